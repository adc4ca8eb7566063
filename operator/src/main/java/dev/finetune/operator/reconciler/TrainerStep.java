/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import dev.finetune.operator.observe.TrainerObservation;
import dev.finetune.operator.status.PhaseDecision;
import dev.finetune.operator.status.TrainerStateInterpreter;
import java.util.Optional;

/**
 * Trains, with the GPUs the spec asks for. The last step: it always decides the phase. What it
 * reports (progress, checkpoints, result, restarts, spec drift, reachability) goes through {@code
 * StatusAggregator}, since the conditions depend on it.
 */
final class TrainerStep extends Step {
  TrainerStep(TrainerJobDependentResource dependent) {
    super(dependent);
  }

  @Override
  Optional<PhaseDecision> interpret(FineTuneJob job, TrainerObservation observed) {
    return Optional.of(TrainerStateInterpreter.decide(job, observed));
  }
}
