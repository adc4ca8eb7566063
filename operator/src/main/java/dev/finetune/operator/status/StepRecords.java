/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.StepState;
import dev.finetune.api.v1alpha1.StepStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code status.steps}: where each step's Job is, in the order the steps ran. The record outlives
 * the Job (ttlSecondsAfterFinished deletes it), so a step recorded as Succeeded is never run again.
 * Times are set when the operator first sees a state and kept after, so an unchanged Job yields an
 * equal record (and no write).
 */
public final class StepRecords {
  private final Clock clock;

  public StepRecords(Clock clock) {
    this.clock = clock;
  }

  /** Whether {@code status} records step {@code name} as Succeeded. */
  public static boolean succeeded(FineTuneJobStatus status, String name) {
    return find(status == null ? null : status.getSteps(), name)
        .map(s -> s.getState() == StepState.Succeeded)
        .orElse(false);
  }

  /**
   * {@code steps} with step {@code name}'s entry updated from its Job (added at the end when new;
   * kept as it was when the Job is gone).
   *
   * @param failure the step's phase decision, whose reason a failed step records
   */
  public List<StepStatus> next(
      List<StepStatus> steps, String name, Job job, Optional<PhaseDecision> failure) {
    List<StepStatus> next = new ArrayList<>(Optional.ofNullable(steps).orElse(List.of()));
    if (job == null) {
      return next;
    }
    Optional<StepStatus> before = find(steps, name);
    StepStatus step = new StepStatus();
    step.setName(name);
    step.setJob(job.getMetadata().getName());
    step.setState(state(job));
    if (step.getState() == StepState.Failed) {
      step.setReason(failure.map(PhaseDecision::reason).orElse(null));
    }
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    step.setStartTime(before.map(StepStatus::getStartTime).orElse(now));
    boolean sameState = before.map(b -> b.getState() == step.getState()).orElse(false);
    step.setCompletionTime(
        step.getState() == StepState.Active
            ? null
            : before
                .filter(b -> sameState)
                .map(StepStatus::getCompletionTime)
                .filter(Objects::nonNull)
                .orElse(now));
    // A failure counts once, when first seen; a step retried with a new Job (publish) is Active
    // again in between.
    int failures = before.map(StepStatus::getFailures).orElse(0);
    if (step.getState() == StepState.Failed && !sameState) {
      failures++;
    }
    step.setFailures(failures == 0 ? null : failures);
    int at = before.map(next::indexOf).orElse(-1);
    if (at < 0) {
      next.add(step);
    } else {
      next.set(at, step);
    }
    return next;
  }

  private static StepState state(Job job) {
    if (TrainerStateInterpreter.hasCondition(job, "Complete")) {
      return StepState.Succeeded;
    }
    return TrainerStateInterpreter.hasCondition(job, "Failed")
        ? StepState.Failed
        : StepState.Active;
  }

  /** Step {@code name}'s record in {@code status}, if it has one. */
  public static Optional<StepStatus> find(FineTuneJobStatus status, String name) {
    return find(status == null ? null : status.getSteps(), name);
  }

  private static Optional<StepStatus> find(List<StepStatus> steps, String name) {
    return Optional.ofNullable(steps).orElse(List.of()).stream()
        .filter(s -> name.equals(s.getName()))
        .findFirst();
  }
}
