/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.observe;

import dev.finetune.api.v1alpha1.ResultStatus;
import dev.finetune.api.v1alpha1.TrainerStatus;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the trainer itself says: the latest progress poll, and the result and what it ran on from
 * its termination message.
 *
 * @param poll the latest poll of the running trainer, or null when none ran
 * @param result the succeeded trainer's result, if its termination message held one
 * @param trainer what the newest ended trainer pod ran on, if its termination message said
 * @param locate turns a path inside the trainer pod into the source a user finds it at
 */
public record TrainerReport(
    ProgressObservation poll,
    Optional<ResultStatus> result,
    Optional<TrainerStatus> trainer,
    UnaryOperator<String> locate) {
  public static TrainerReport none() {
    return new TrainerReport(null, Optional.empty(), Optional.empty(), UnaryOperator.identity());
  }
}
