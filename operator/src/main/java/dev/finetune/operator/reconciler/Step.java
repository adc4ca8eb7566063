/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.operator.desired.StepJobDependentResource;
import dev.finetune.operator.observe.TrainerObservation;
import dev.finetune.operator.status.PhaseDecision;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of the pipeline: its Job (a {@link StepJobDependentResource}: a profile applied to the
 * one hardened template) and how to read it. A step kind is this class with its interpreter and,
 * when it reports something of its own in status, its contribution.
 */
abstract class Step {
  private final StepJobDependentResource dependent;

  Step(StepJobDependentResource dependent) {
    this.dependent = dependent;
  }

  /** The step's name in status.steps: its Job's component label. */
  String name() {
    return dependent.component();
  }

  /** Whether {@code job} has this step (publish only with spec.output.publish). */
  boolean appliesTo(FineTuneJob job) {
    return true;
  }

  /**
   * The phase while the pipeline waits on this step; empty (or Succeeded) once it succeeded and the
   * next step may run. The last step always decides.
   */
  abstract Optional<PhaseDecision> interpret(FineTuneJob job, TrainerObservation observed);

  /**
   * Adds what the step reports to {@code next}: from {@code outcome} when it ran this time, else
   * what {@code previous} had (its Job may be gone). Most steps report through status.steps only.
   */
  void contribute(
      FineTuneJob job,
      FineTuneJobStatus next,
      FineTuneJobStatus previous,
      Optional<StepOutcome> outcome) {}

  /** Creates the Job when missing (or follows the spec's suspension), and reads it. */
  StepOutcome run(FineTuneJob job, Context<FineTuneJob> context) {
    ReconcileResult<Job> result = dependent.reconcile(job, context);
    Optional<String> created =
        result.getSingleOperation() == ReconcileResult.Operation.CREATED
            ? Optional.of(name() + " Job " + dependent.profile(job).jobName())
            : Optional.empty();
    TrainerObservation observed =
        withPods(
            result.getSingleResource().or(() -> dependent.getSecondaryResource(job, context)),
            context);
    return new StepOutcome(this, observed, interpret(job, observed), created);
  }

  /** The step's Job dependent. */
  StepJobDependentResource dependent() {
    return dependent;
  }

  /** The step's Job as the informer has it (nothing is created) and its pods. */
  TrainerObservation observe(FineTuneJob job, Context<FineTuneJob> context) {
    return withPods(dependent.getSecondaryResource(job, context), context);
  }

  /** The informer of the step's Jobs. */
  EventSource<?, FineTuneJob> eventSource(EventSourceContext<FineTuneJob> context) {
    return dependent.eventSource(context).orElseThrow();
  }

  /** Whether the step's Job exists. */
  boolean hasJob(FineTuneJob job, Context<FineTuneJob> context) {
    return dependent.getSecondaryResource(job, context).isPresent();
  }

  /**
   * The Job and the pods it owns (by the Job's uid: pods of an earlier Job of that name differ).
   */
  static TrainerObservation withPods(Optional<Job> job, Context<FineTuneJob> context) {
    if (job.isEmpty()) {
      return TrainerObservation.none();
    }
    String uid = job.get().getMetadata().getUid();
    List<Pod> pods =
        context.getSecondaryResources(Pod.class).stream()
            .filter(
                p ->
                    p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream()
                            .anyMatch(ref -> Objects.equals(ref.getUid(), uid)))
            .toList();
    return new TrainerObservation(job.get(), pods);
  }
}
