/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.protocol.PublishResult;
import dev.finetune.api.v1alpha1.ArtifactStatus;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.PublishSpec;
import dev.finetune.operator.desired.PublishJobDependentResource;
import dev.finetune.operator.desired.SpecDefaults;
import dev.finetune.operator.observe.TrainerObservation;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the publish Job (the phase while it pushes, the artifact once it pushed, the registry's
 * reason when it failed) and says what condition Published is. The retry of a failed push is the
 * publish step's; this class only reads.
 */
public final class PublishInterpreter {
  /** What condition Published says: True, False or Unknown, with its reason and message. */
  public record Published(String status, String reason, String message) {}

  private PublishInterpreter() {}

  /** The phase while the publish Job runs, has failed, or succeeded (the job's final phase). */
  public static PhaseDecision decide(FineTuneJob ftj, TrainerObservation publish) {
    PublishSpec spec = SpecDefaults.publish(ftj.getSpec()).orElseThrow();
    String target = SpecDefaults.publishTarget(spec, ftj.getMetadata().getName());
    Job job = publish.job();
    if (job != null && TrainerStateInterpreter.hasCondition(job, "Complete")) {
      return new PhaseDecision(
          Phase.Succeeded,
          Reasons.PUBLISHED,
          artifact(publish)
              .map(a -> "training finished and the model was published as " + a.getReference())
              .orElse("training finished and the model was pushed to " + target));
    }
    if (job != null && TrainerStateInterpreter.hasCondition(job, "Failed")) {
      return new PhaseDecision(Phase.Publishing, Reasons.PUBLISH_FAILED, failure(ftj, publish));
    }
    if (SpecDefaults.suspend(ftj.getSpec())) {
      return new PhaseDecision(
          Phase.Suspended,
          Reasons.SUSPENDED_BY_USER,
          "suspended by runPolicy.suspend before the model was published; the trained model is on"
              + " the volume");
    }
    return new PhaseDecision(
        Phase.Publishing,
        Reasons.PUBLISHING,
        "training finished; pushing " + SpecDefaults.publishWhat(spec).folder() + "/ to " + target);
  }

  /** Whether the publish Job failed (its push is retried with a new Job after a back-off). */
  public static boolean failed(TrainerObservation publish) {
    return publish.job() != null && TrainerStateInterpreter.hasCondition(publish.job(), "Failed");
  }

  /** The pushed manifest, once the publish Job completed (from its pod's termination message). */
  public static Optional<ArtifactStatus> artifact(TrainerObservation publish) {
    if (publish.job() == null || !TrainerStateInterpreter.hasCondition(publish.job(), "Complete")) {
      return Optional.empty();
    }
    return TerminationMessages.newestFirst(publish.pods()).stream()
        .map(PublishInterpreter::message)
        .flatMap(Optional::stream)
        .filter(r -> "Succeeded".equals(r.status()) && r.artifact() != null)
        .findFirst()
        .map(
            r -> {
              ArtifactStatus a = new ArtifactStatus();
              a.setReference(r.artifact().reference());
              a.setDigest(r.artifact().digest());
              a.setSize(r.artifact().size());
              a.setMediaType(r.artifact().mediaType());
              // publish reports the tag alone: status names it with its repository.
              String reference = r.artifact().reference();
              int at = reference.indexOf('@');
              a.setTag(
                  r.tag() == null || at < 0 ? r.tag() : reference.substring(0, at) + ":" + r.tag());
              return a;
            });
  }

  /**
   * Condition Published for a job with spec.output.publish (empty without): True with the artifact,
   * False after a failed push (until the retry), when the gate stopped it or the run failed,
   * Unknown before and during the push.
   */
  public static Optional<Published> condition(
      FineTuneJob job, FineTuneJobStatus next, PhaseDecision decision) {
    Optional<PublishSpec> spec = SpecDefaults.publish(job.getSpec());
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    String target = SpecDefaults.publishTarget(spec.get(), job.getMetadata().getName());
    ArtifactStatus artifact = next.getResult() == null ? null : next.getResult().getArtifact();
    if (artifact != null) {
      return Optional.of(
          new Published(
              "True",
              Reasons.PUBLISHED,
              "pushed as "
                  + artifact.getReference()
                  + (artifact.getSize() == null
                      ? ""
                      : " (manifest " + artifact.getSize() + " bytes)")));
    }
    if (Reasons.PUBLISH_FAILED.equals(decision.reason())) {
      return Optional.of(new Published("False", Reasons.PUBLISH_FAILED, decision.message()));
    }
    if (Reasons.NOT_PUBLISHED.equals(decision.reason())) {
      return Optional.of(new Published("False", Reasons.NOT_PROMOTED, decision.message()));
    }
    return switch (decision.phase()) {
      case Publishing ->
          Optional.of(new Published("Unknown", Reasons.PUBLISHING, decision.message()));
      case Failed ->
          Optional.of(
              new Published(
                  "False",
                  Reasons.NOT_PUBLISHED,
                  "the run failed before its model was published; nothing was pushed to "
                      + target));
      case Succeeded ->
          Optional.of(
              new Published(
                  "False",
                  Reasons.NOT_PUBLISHED,
                  "the publish step's result was not found; see the publish Job's log"));
      default ->
          Optional.of(
              new Published(
                  "Unknown",
                  Reasons.PUBLISH_PENDING,
                  "the model is pushed to " + target + " once training has finished"));
    };
  }

  /** The registry's reason (from the termination message), else the exit code and log tail. */
  private static String failure(FineTuneJob ftj, TrainerObservation publish) {
    for (Pod pod : TerminationMessages.newestFirst(publish.pods())) {
      Optional<ContainerStateTerminated> t = terminated(pod);
      if (t.isEmpty() || t.get().getExitCode() == null || t.get().getExitCode() == 0) {
        continue;
      }
      Optional<PublishResult> result = message(pod);
      String why =
          result
              .map(PublishResult::error)
              .filter(e -> !e.isBlank())
              .orElseGet(
                  () ->
                      "exit code "
                          + t.get().getExitCode()
                          + Optional.ofNullable(
                                  TrainerStateInterpreter.terminationDetail(t.get().getMessage()))
                              .filter(d -> !d.isBlank())
                              .map(d -> ": " + d)
                              .orElse(""));
      String sent =
          result
              .map(PublishResult::blobs)
              .map(
                  b ->
                      String.format(
                          Locale.ROOT,
                          " (%d of %d blobs were in the registry, %d sent before it stopped)",
                          b.skipped() + b.sent(),
                          b.total(),
                          b.sent()))
              .orElse("");
      return "the push failed: " + why + sent + credentialsHint(ftj);
    }
    return "the publish Job failed" + TrainerStateInterpreter.logHint(publish.job());
  }

  /** Names the Secret the credentials come from (which the user fixes to finish the push). */
  private static String credentialsHint(FineTuneJob ftj) {
    return SpecDefaults.publish(ftj.getSpec())
        .map(PublishSpec::getCredentialsSecretRef)
        .map(
            ref ->
                "; the credentials are Secret "
                    + ref.getName()
                    + "'s key "
                    + PublishSpec.DOCKER_CONFIG_KEY)
        .orElse("; the push was anonymous (no output.publish.credentialsSecretRef)");
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    return TrainerStateInterpreter.termination(pod, PublishJobDependentResource.CONTAINER);
  }

  private static Optional<PublishResult> message(Pod pod) {
    return TerminationMessages.read(
        pod, PublishJobDependentResource.CONTAINER, PublishResult.class);
  }
}
