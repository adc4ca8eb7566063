/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.desired.PrepareJobDependentResource;
import dev.finetune.operator.desired.SpecDefaults;
import dev.finetune.operator.observe.TrainerObservation;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * Reads the prepare Job: while it runs the FineTuneJob is Validating; when it fails, the job fails
 * with the reason its termination message names (DataError, ConfigError, ModelUnsupported,
 * InsufficientStorage) and its words; when it completes, its result fills the status and the
 * trainer Job may be created.
 */
public final class PrepareInterpreter {
  private PrepareInterpreter() {}

  /** The phase while the prepare step has not succeeded; empty once it has. */
  public static Optional<PhaseDecision> decide(FineTuneJob ftj, TrainerObservation prepare) {
    Job job = prepare.job();
    if (job != null && TrainerStateInterpreter.hasCondition(job, "Complete")) {
      return Optional.empty();
    }
    if (job != null && TrainerStateInterpreter.hasCondition(job, "Failed")) {
      return Optional.of(failure(job, prepare.pods()));
    }
    if (SpecDefaults.suspend(ftj.getSpec())) {
      return Optional.of(
          new PhaseDecision(
              Phase.Suspended,
              Reasons.SUSPENDED_BY_USER,
              "suspended by runPolicy.suspend before the prepare step finished"));
    }
    return Optional.of(
        new PhaseDecision(
            Phase.Validating,
            Reasons.PREPARING,
            "the prepare step is staging the model and data and checking them, the storage and"
                + " the configuration before a GPU is requested"));
  }

  /** The prepare step's result once it succeeded (from its pod's termination message). */
  public static Optional<PrepareResult> result(TrainerObservation prepare) {
    if (prepare.job() == null || !TrainerStateInterpreter.hasCondition(prepare.job(), "Complete")) {
      return Optional.empty();
    }
    return TerminationMessages.newestFirst(prepare.pods()).stream()
        .map(PrepareInterpreter::message)
        .flatMap(Optional::stream)
        .filter(r -> "Succeeded".equals(r.status()))
        .findFirst();
  }

  private static PhaseDecision failure(Job job, List<Pod> pods) {
    for (Pod pod : TerminationMessages.newestFirst(pods)) {
      Optional<ContainerStateTerminated> t = terminated(pod);
      if (t.isEmpty() || t.get().getExitCode() == null || t.get().getExitCode() == 0) {
        continue;
      }
      Optional<PrepareResult> result = message(pod);
      if (result.isPresent() && result.get().reason() != null) {
        return new PhaseDecision(
            Phase.Failed,
            result.get().reason(),
            "the prepare step failed, no GPU was requested: " + result.get().error());
      }
      int code = t.get().getExitCode();
      String reason =
          TrainerExit.of(code).flatMap(TrainerExit::prepareReason).orElse(Reasons.PREPARE_FAILED);
      return new PhaseDecision(
          Phase.Failed,
          reason,
          "the prepare step exited with code "
              + code
              + ", no GPU was requested"
              + Optional.ofNullable(TrainerStateInterpreter.terminationDetail(t.get().getMessage()))
                  .filter(d -> !d.isBlank())
                  .map(d -> ": " + d)
                  .orElse("")
              + TrainerStateInterpreter.logHint(job));
    }
    return new PhaseDecision(
        Phase.Failed,
        Reasons.PREPARE_FAILED,
        "the prepare Job failed; no GPU was requested" + TrainerStateInterpreter.logHint(job));
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    return TrainerStateInterpreter.termination(pod, PrepareJobDependentResource.CONTAINER);
  }

  private static Optional<PrepareResult> message(Pod pod) {
    return TerminationMessages.read(
        pod, PrepareJobDependentResource.CONTAINER, PrepareResult.class);
  }
}
