/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.ArtifactStatus;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.ResultStatus;
import dev.finetune.api.v1alpha1.StepState;
import dev.finetune.api.v1alpha1.StepStatus;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.PublishJobDependentResource;
import dev.finetune.operator.desired.SpecDefaults;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import dev.finetune.operator.observe.TrainerObservation;
import dev.finetune.operator.status.ConditionTypes;
import dev.finetune.operator.status.PhaseDecision;
import dev.finetune.operator.status.PublishInterpreter;
import dev.finetune.operator.status.Reasons;
import dev.finetune.operator.status.StepRecords;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pushes the trained model to the registry spec.output.publish names, on a CPU node once the
 * trainer Job succeeded (the GPU is released). It waits for the trainer's result to be in status
 * (the push's annotations carry its losses), and with spec.evaluation pushes nothing unless
 * condition Promoted is True. A failed push (the registry refused it or was down) keeps the job in
 * Publishing with reason PublishFailed: after a back-off that doubles with each failure the failed
 * Job is deleted and a new one pushes again, sending only the blobs the registry lacks, so fixing a
 * Secret or the registry is enough to finish, without training again.
 */
final class PublishStep extends Step {
  /** How soon to look again when the result the push needs was just read but not yet written. */
  static final Duration RESULT_WAIT = Duration.ofSeconds(1);

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final OperatorConfig config;
  private final Clock clock;

  PublishStep(PublishJobDependentResource dependent, OperatorConfig config, Clock clock) {
    super(dependent);
    this.config = config;
    this.clock = clock;
  }

  @Override
  boolean appliesTo(FineTuneJob job) {
    return SpecDefaults.publish(job.getSpec()).isPresent();
  }

  @Override
  Optional<PhaseDecision> interpret(FineTuneJob job, TrainerObservation observed) {
    return Optional.of(PublishInterpreter.decide(job, observed));
  }

  @Override
  StepOutcome run(FineTuneJob job, Context<FineTuneJob> context) {
    FineTuneJobStatus status = job.getStatus();
    if (status == null
        || (status.getResult() == null
            && !StepRecords.succeeded(status, TrainerJobDependentResource.COMPONENT))) {
      // The trainer's result was read in this reconcile and is written with it: the push's
      // provenance and the promotion verdict come from the written status. (A trainer that
      // reported no result is recorded as succeeded all the same: then the push goes on.)
      return waiting(
          new PhaseDecision(
              Phase.Publishing,
              Reasons.PUBLISHING,
              "training finished; the model is pushed once the trainer's result is recorded"),
          RESULT_WAIT);
    }
    Optional<String> refused = notPromoted(job);
    if (refused.isPresent()) {
      return waiting(
          new PhaseDecision(
              Phase.Succeeded,
              Reasons.NOT_PUBLISHED,
              "training finished; the model was not published because it is not promoted ("
                  + refused.get()
                  + "); it stays at "
                  + location(status)),
          null);
    }
    Optional<Job> existing = dependent().getSecondaryResource(job, context);
    TrainerObservation observed = withPods(existing, context);
    if (!PublishInterpreter.failed(observed)) {
      return super.run(job, context);
    }
    return retry(job, context, observed);
  }

  /**
   * A failed push: wait out the back-off, then delete the failed Job so that the next reconcile
   * creates a new one (a Job that failed does not run again).
   */
  private StepOutcome retry(
      FineTuneJob job, Context<FineTuneJob> context, TrainerObservation failed) {
    PhaseDecision failure = PublishInterpreter.decide(job, failed);
    Optional<StepStatus> record = StepRecords.find(job.getStatus(), name());
    boolean recorded = record.map(r -> r.getState() == StepState.Failed).orElse(false);
    int failures =
        record.map(StepStatus::getFailures).filter(Objects::nonNull).orElse(0) + (recorded ? 0 : 1);
    Instant now = Instant.now(clock);
    Instant failedAt =
        record
            .filter(r -> recorded && r.getCompletionTime() != null)
            .map(r -> Instant.parse(r.getCompletionTime()))
            .orElse(now);
    Instant due = failedAt.plus(config.publishRetryAfter(failures));
    String location = "; the trained model stays at " + location(job.getStatus());
    if (SpecDefaults.suspend(job.getSpec())) {
      return new StepOutcome(
          this,
          failed,
          Optional.of(
              new PhaseDecision(
                  Phase.Suspended,
                  Reasons.SUSPENDED_BY_USER,
                  "suspended by runPolicy.suspend after a failed push: " + failure.message())),
          Optional.empty());
    }
    if (now.isBefore(due)) {
      return new StepOutcome(
          this,
          failed,
          Optional.of(
              new PhaseDecision(
                  Phase.Publishing,
                  Reasons.PUBLISH_FAILED,
                  failure.message()
                      + location
                      + "; push "
                      + (failures + 1)
                      + " at "
                      + due.truncatedTo(ChronoUnit.SECONDS))),
          Optional.empty(),
          Optional.of(Duration.between(now, due).plusMillis(100)));
    }
    context
        .getClient()
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(failed.job().getMetadata().getName())
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    return new StepOutcome(
        this,
        failed,
        Optional.of(
            new PhaseDecision(
                Phase.Publishing,
                Reasons.PUBLISH_FAILED,
                failure.message()
                    + location
                    + "; pushing again now (push "
                    + (failures + 1)
                    + ")")),
        Optional.empty(),
        Optional.of(RESULT_WAIT));
  }

  /** Sets status.result.artifact once the push succeeded; kept after (its Job may be gone). */
  @Override
  void contribute(
      FineTuneJob job,
      FineTuneJobStatus next,
      FineTuneJobStatus previous,
      Optional<StepOutcome> outcome) {
    Optional<ArtifactStatus> artifact =
        outcome.flatMap(o -> PublishInterpreter.artifact(o.observed()));
    ResultStatus result = next.getResult();
    if (artifact.isEmpty()
        || result == null
        || Objects.equals(result.getArtifact(), artifact.get())) {
      return;
    }
    // A copy: next.result is the previous status's object, which must stay as it was read.
    ResultStatus copy = SERIALIZATION.clone(result);
    copy.setArtifact(artifact.get());
    next.setResult(copy);
  }

  /** Why the model is not pushed: spec.evaluation's verdict (condition Promoted) is not True. */
  private static Optional<String> notPromoted(FineTuneJob job) {
    if (job.getSpec().getEvaluation() == null) {
      return Optional.empty();
    }
    var promoted =
        Optional.ofNullable(job.getStatus().getConditions()).orElse(List.of()).stream()
            .filter(c -> ConditionTypes.PROMOTED.equals(c.getType()))
            .findFirst();
    if (promoted.isPresent() && "True".equals(promoted.get().getStatus())) {
      return Optional.empty();
    }
    return Optional.of(
        promoted
            .map(c -> c.getReason() + ": " + c.getMessage())
            .orElse("condition Promoted is not set"));
  }

  private static String location(FineTuneJobStatus status) {
    return status.getResult() != null && status.getResult().getLocation() != null
        ? status.getResult().getLocation()
        : "the output volume";
  }

  private StepOutcome waiting(PhaseDecision decision, Duration again) {
    return new StepOutcome(
        this,
        TrainerObservation.none(),
        Optional.of(decision),
        Optional.empty(),
        Optional.ofNullable(again));
  }
}
