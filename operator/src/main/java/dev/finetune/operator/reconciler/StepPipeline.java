/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.status.StepRecords;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a FineTuneJob in order, each waiting for the one before to succeed. Progress is read
 * from status.steps, not from the Jobs, so a Job deleted by its TTL does not run its step again.
 */
final class StepPipeline {
  private final List<Step> steps;

  StepPipeline(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  List<Step> steps() {
    return steps;
  }

  /**
   * Runs the steps that have not succeeded, in order, until one decides the phase (it has not
   * succeeded yet, or it is the last). A step is done when status.steps records it as Succeeded, or
   * when a later step's Job exists (a FineTuneJob from before status.steps).
   */
  List<StepOutcome> run(FineTuneJob job, Context<FineTuneJob> context) {
    List<StepOutcome> ran = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (StepRecords.succeeded(job.getStatus(), step.name()) || laterStarted(i, job, context)) {
        continue;
      }
      StepOutcome outcome = step.run(job, context);
      ran.add(outcome);
      if (outcome.decision().isPresent()) {
        return ran;
      }
    }
    throw new IllegalStateException(
        "every step of " + job.getMetadata().getName() + " succeeded: its phase is final");
  }

  private boolean laterStarted(int index, FineTuneJob job, Context<FineTuneJob> context) {
    return steps.subList(index + 1, steps.size()).stream().anyMatch(s -> s.hasJob(job, context));
  }
}
