/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The trainer's answer to {@code GET /progress}.
 *
 * @param phase Starting, Loading, Training, Evaluating, Saving, Succeeded or Failed
 * @param step optimizer steps done
 * @param totalSteps optimizer steps planned
 * @param epoch fractional epoch
 * @param loss training loss of the latest step
 * @param evalLoss latest validation loss, or null
 * @param learningRate current learning rate
 * @param tokensPerSecond recent training throughput
 * @param trainedTokens tokens trained on so far
 * @param etaSeconds estimated seconds left, or null
 * @param checkpoints checkpoints on disk, oldest first
 * @param resumedFromStep the step this process resumed from, or null for a fresh start
 * @param skippedSteps float16 mixed precision: steps skipped so far because their gradients
 *     overflowed (null in float32)
 * @param metrics the latest value of every metric the run logs, under Hugging Face's names ({@link
 *     MetricNames}): the latest step's and, prefixed {@code eval_}, the latest evaluation's; {@code
 *     loss} and {@code evalLoss} above are two of them
 * @param microBatchSize the examples of one forward pass: the batch size, or what batchSize auto
 *     chose and any halving after an out-of-memory error made of it
 * @param trainer what the run trains on (devices, engine, memory), once the device check passed;
 *     null before
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainerProgress(
    String phase,
    long step,
    long totalSteps,
    double epoch,
    Double loss,
    Double evalLoss,
    Double learningRate,
    Double tokensPerSecond,
    long trainedTokens,
    Long etaSeconds,
    List<CheckpointInfo> checkpoints,
    Long resumedFromStep,
    Long skippedSteps,
    Map<String, Double> metrics,
    Integer microBatchSize,
    TrainerRuntime trainer) {

  /**
   * @param step optimizer step
   * @param path checkpoint directory
   * @param loss training loss at that step
   * @param evalLoss validation loss at that step, or null
   * @param time RFC 3339 time it was written
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CheckpointInfo(long step, String path, Double loss, Double evalLoss, String time) {}
}
