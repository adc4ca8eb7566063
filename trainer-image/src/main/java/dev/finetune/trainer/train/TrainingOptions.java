/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import java.nio.file.Path;

/**
 * How to train, independent of where the options came from (flags or the operator's config).
 *
 * @param epochs passes over the data (ignored when maxSteps is set)
 * @param maxSteps optimizer steps, or 0 to run whole epochs
 * @param maxGradNorm global-norm clipping threshold, or 0 for none
 * @param evalEverySteps evaluation interval, or 0 for once per epoch (when eval data is given)
 */
public record TrainingOptions(
    int batchSize,
    int gradientAccumulationSteps,
    int epochs,
    long maxSteps,
    double learningRate,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    double maxGradNorm,
    LrSchedule.Kind scheduler,
    long warmupSteps,
    double warmupRatio,
    long seed,
    boolean shuffle,
    long evalEverySteps,
    int logEverySteps,
    Path outputDir) {}
