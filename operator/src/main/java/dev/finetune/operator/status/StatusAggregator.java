/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.v1alpha1.CheckpointStatus;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.observe.ProgressObservation;
import dev.finetune.operator.observe.TrainerReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that writes a FineTuneJob's status: phase, message, every condition, times and
 * restarts. A condition's lastTransitionTime only moves when its status flips, so re-reconciling an
 * unchanged job yields an equal status (and no write).
 */
public final class StatusAggregator {
  private final Clock clock;

  public StatusAggregator(Clock clock) {
    this.clock = clock;
  }

  /**
   * The next status.
   *
   * @param job the FineTuneJob (its current status is the previous one)
   * @param decision the phase and its reason
   * @param valid whether the spec passed validation
   * @param changedFields spec fields edited after the trainer Job was created
   * @param trainerJob the trainer Job's name, or null before it exists
   * @param restarts trainer pods that failed and were replaced
   */
  public FineTuneJobStatus next(
      FineTuneJob job,
      PhaseDecision decision,
      boolean valid,
      List<String> changedFields,
      String trainerJob,
      int restarts) {
    return next(job, decision, valid, changedFields, trainerJob, restarts, TrainerReport.none());
  }

  /** As above, with what the trainer reported (progress, checkpoints, result). */
  public FineTuneJobStatus next(
      FineTuneJob job,
      PhaseDecision decision,
      boolean valid,
      List<String> changedFields,
      String trainerJob,
      int restarts,
      TrainerReport report) {
    FineTuneJobStatus previous =
        Optional.ofNullable(job.getStatus()).orElseGet(FineTuneJobStatus::new);
    long generation = Optional.ofNullable(job.getMetadata().getGeneration()).orElse(0L);
    String now = now();

    FineTuneJobStatus status = new FineTuneJobStatus();
    status.setObservedGeneration(generation);
    status.setPhase(decision.phase());
    status.setMessage(decision.message());
    status.setTrainerJob(trainerJob != null ? trainerJob : previous.getTrainerJob());
    status.setRestarts(restarts);
    status.setStartTime(
        previous.getStartTime() != null || decision.phase() != Phase.Running
            ? previous.getStartTime()
            : now);
    status.setCompletionTime(
        previous.getCompletionTime() != null || !decision.phase().isFinal()
            ? previous.getCompletionTime()
            : now);
    applyReport(status, previous, decision.phase(), report);
    Optional<Promotion.Verdict> promoted =
        Promotion.verdict(job, status, previous, decision.phase());
    if (previous.getResult() == null && status.getResult() != null && promoted.isPresent()) {
      // The result was just read: the headline carries the verdict made on it.
      status
          .getResult()
          .setEvaluationHeadline(
              Promotion.headline(status.getResult().getEvaluation(), promoted.get()));
    }

    List<Condition> wanted = new ArrayList<>();
    wanted.add(
        valid
            ? condition(ConditionTypes.VALIDATED, true, Reasons.SPEC_VALID, "the spec is valid")
            : condition(ConditionTypes.VALIDATED, false, Reasons.INVALID_SPEC, decision.message()));
    wanted.add(phaseCondition(ConditionTypes.RUNNING, decision, Phase.Running));
    wanted.add(phaseCondition(ConditionTypes.SUCCEEDED, decision, Phase.Succeeded));
    wanted.add(phaseCondition(ConditionTypes.FAILED, decision, Phase.Failed));
    wanted.add(
        decision.phase() == Phase.Suspended
            ? condition(ConditionTypes.SUSPENDED, true, decision.reason(), decision.message())
            : condition(ConditionTypes.SUSPENDED, false, Reasons.NOT_SUSPENDED, "not suspended"));
    wanted.add(
        changedFields.isEmpty()
            ? condition(
                ConditionTypes.SPEC_APPLIED,
                true,
                Reasons.SPEC_APPLIED,
                "the trainer runs with the current spec")
            : condition(
                ConditionTypes.SPEC_APPLIED,
                false,
                Reasons.SPEC_CHANGED,
                String.join(", ", changedFields)
                    + " changed after the trainer Job was created and "
                    + (changedFields.size() == 1 ? "is" : "are")
                    + " not applied; delete and re-create the FineTuneJob to apply "
                    + (changedFields.size() == 1 ? "it" : "them")));
    wanted.addAll(summaryConditions(decision));
    wanted.add(reachability(decision.phase(), report.poll()));
    promoted.ifPresent(
        v -> {
          Condition c = condition(ConditionTypes.PROMOTED, false, v.reason(), v.message());
          c.setStatus(v.status());
          wanted.add(c);
        });
    status.setConditions(
        wanted.stream().map(c -> settle(c, previous.getConditions(), generation, now)).toList());
    return status;
  }

  /**
   * Progress, checkpoints and what the trainer runs on from a good poll while running; the result
   * (and a completed progress) once succeeded, and what it ran on once ended; otherwise what the
   * previous status had.
   */
  private static void applyReport(
      FineTuneJobStatus status, FineTuneJobStatus previous, Phase phase, TrainerReport report) {
    status.setProgress(previous.getProgress());
    status.setCheckpoints(previous.getCheckpoints());
    status.setResult(previous.getResult());
    status.setTrainer(previous.getTrainer());
    ProgressObservation poll = report.poll();
    if (phase == Phase.Running && poll != null && poll.ok()) {
      status.setProgress(ProgressReports.progress(poll.progress()));
      if (poll.progress().trainer() != null) {
        status.setTrainer(ProgressReports.trainer(poll.progress().trainer()));
      }
      status.setCheckpoints(
          ProgressReports.checkpoints(
              previous.getCheckpoints(), poll.progress().checkpoints(), report.locate()));
    }
    if (phase.isFinal()) {
      report.trainer().ifPresent(status::setTrainer);
    }
    // The result is read when the trainer Job succeeded: the job is then Succeeded, or Publishing
    // while a publish step pushes the model.
    boolean trained = phase == Phase.Succeeded || phase == Phase.Publishing;
    if (trained && previous.getResult() == null && report.result().isPresent()) {
      status.setResult(report.result().get());
      status.setProgress(ProgressReports.finished(status.getProgress(), report.result().get()));
    }
    List<CheckpointStatus> checkpoints = status.getCheckpoints();
    status.setLatestCheckpoint(
        checkpoints == null || checkpoints.isEmpty()
            ? previous.getLatestCheckpoint()
            : checkpoints.get(checkpoints.size() - 1).getPath());
  }

  /**
   * Adds (or replaces) condition {@code type} of {@code next}, a condition a step decides on its
   * own (Published), with its lastTransitionTime kept from the job's current status unless its
   * status flipped.
   */
  public void putCondition(
      FineTuneJob job,
      FineTuneJobStatus next,
      String type,
      String status,
      String reason,
      String message) {
    Condition wanted = condition(type, false, reason, message);
    wanted.setStatus(status);
    long generation = Optional.ofNullable(job.getMetadata().getGeneration()).orElse(0L);
    List<Condition> previous = job.getStatus() == null ? null : job.getStatus().getConditions();
    List<Condition> conditions =
        new ArrayList<>(Optional.ofNullable(next.getConditions()).orElse(List.of()));
    conditions.removeIf(c -> type.equals(c.getType()));
    conditions.add(settle(wanted, previous, generation, now()));
    next.setConditions(conditions);
  }

  private static Condition reachability(Phase phase, ProgressObservation poll) {
    if (phase != Phase.Running) {
      Condition c =
          condition(
              ConditionTypes.TRAINER_REACHABLE, false, Reasons.NOT_RUNNING, "no trainer runs");
      c.setStatus("Unknown");
      return c;
    }
    if (poll == null) {
      Condition c =
          condition(
              ConditionTypes.TRAINER_REACHABLE,
              false,
              Reasons.NO_PROGRESS_YET,
              "the trainer has not been polled yet");
      c.setStatus("Unknown");
      return c;
    }
    return poll.ok()
        ? condition(
            ConditionTypes.TRAINER_REACHABLE,
            true,
            Reasons.PROGRESS_REPORTED,
            "the trainer reports its progress")
        : condition(
            ConditionTypes.TRAINER_REACHABLE,
            false,
            poll.reason(),
            poll.problem() + "; polling goes on");
  }

  /** Ready, Reconciling and Stalled: what generic tools (kstatus, kubectl wait) read. */
  private static List<Condition> summaryConditions(PhaseDecision decision) {
    Phase phase = decision.phase();
    boolean inProgress = !phase.isFinal() && phase != Phase.Suspended;
    Condition ready =
        condition(
            ConditionTypes.READY, phase == Phase.Succeeded, decision.reason(), decision.message());
    if (inProgress) {
      ready.setStatus("Unknown");
    }
    return List.of(
        ready,
        condition(ConditionTypes.RECONCILING, inProgress, decision.reason(), decision.message()),
        condition(
            ConditionTypes.STALLED, phase == Phase.Failed, decision.reason(), decision.message()));
  }

  private static Condition phaseCondition(String type, PhaseDecision decision, Phase phase) {
    return decision.phase() == phase
        ? condition(type, true, decision.reason(), decision.message())
        : condition(type, false, decision.reason(), decision.message());
  }

  private static Condition condition(String type, boolean status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  /** Sets lastTransitionTime: kept from the previous condition unless the status flipped. */
  private static Condition settle(
      Condition wanted, List<Condition> previous, long generation, String now) {
    String since =
        Optional.ofNullable(previous).orElse(List.of()).stream()
            .filter(c -> Objects.equals(c.getType(), wanted.getType()))
            .filter(c -> Objects.equals(c.getStatus(), wanted.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now);
    return new ConditionBuilder(wanted)
        .withLastTransitionTime(since)
        .withObservedGeneration(generation)
        .build();
  }

  private String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
