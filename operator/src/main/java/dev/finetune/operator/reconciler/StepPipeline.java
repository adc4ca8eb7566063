/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.Phase;
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
   * Runs the steps of {@code job} that have not succeeded, in order, until one decides the phase
   * (it has not succeeded yet, or it is the last). A step is done when status.steps records it as
   * Succeeded, or when a later step's Job exists (a FineTuneJob from before status.steps); a step
   * whose decision is Succeeded hands over to the next one in the same reconcile.
   */
  List<StepOutcome> run(FineTuneJob job, Context<FineTuneJob> context) {
    List<Step> applying = steps.stream().filter(s -> s.appliesTo(job)).toList();
    List<StepOutcome> ran = new ArrayList<>();
    for (int i = 0; i < applying.size(); i++) {
      Step step = applying.get(i);
      if (StepRecords.succeeded(job.getStatus(), step.name())
          || laterStarted(applying.subList(i + 1, applying.size()), job, context)) {
        continue;
      }
      StepOutcome outcome = step.run(job, context);
      ran.add(outcome);
      boolean last = i == applying.size() - 1;
      boolean handsOver =
          !last && outcome.decision().map(d -> d.phase() == Phase.Succeeded).orElse(true);
      if (!handsOver) {
        return ran;
      }
    }
    throw new IllegalStateException(
        "every step of " + job.getMetadata().getName() + " succeeded: its phase is final");
  }

  private static boolean laterStarted(
      List<Step> later, FineTuneJob job, Context<FineTuneJob> context) {
    return later.stream().anyMatch(s -> s.hasJob(job, context));
  }
}
