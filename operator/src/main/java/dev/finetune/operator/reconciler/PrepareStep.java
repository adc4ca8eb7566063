/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.operator.desired.PrepareJobDependentResource;
import dev.finetune.operator.desired.TrainerVolumes;
import dev.finetune.operator.observe.TrainerObservation;
import dev.finetune.operator.status.PhaseDecision;
import dev.finetune.operator.status.PrepareInterpreter;
import dev.finetune.operator.status.PrepareReports;
import java.util.Optional;

/**
 * Stages and checks the model, the data and the storage on a CPU node; while it runs the
 * FineTuneJob is Validating, and a failure fails it before any GPU is requested. Its result fills
 * status.model and status.dataset, which stay when its Job is gone.
 */
final class PrepareStep extends Step {
  PrepareStep(PrepareJobDependentResource dependent) {
    super(dependent);
  }

  @Override
  Optional<PhaseDecision> interpret(FineTuneJob job, TrainerObservation observed) {
    return PrepareInterpreter.decide(job, observed);
  }

  @Override
  void contribute(
      FineTuneJob job,
      FineTuneJobStatus next,
      FineTuneJobStatus previous,
      Optional<StepOutcome> outcome) {
    PrepareReports.apply(
        next,
        previous,
        outcome.flatMap(o -> PrepareInterpreter.result(o.observed())),
        TrainerVolumes.plan(job)::sourceOf);
  }
}
