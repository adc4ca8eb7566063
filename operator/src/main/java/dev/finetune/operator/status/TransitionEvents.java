/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.v1alpha1.CheckpointStatus;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Events a status change deserves: one per phase or reason change, one per spec drift, one per
 * new checkpoint. Children created in the same reconcile are named in the phase event (one Event,
 * not one per child: every Event is an API request, and a new job's first reconcile is the
 * busiest).
 */
public final class TransitionEvents {
  /** Pending reasons that need a person's attention. */
  private static final Set<String> WARNING_REASONS =
      Set.of(
          Reasons.UNSCHEDULABLE,
          Reasons.IMAGE_PULL_FAILED,
          Reasons.CONTAINER_CONFIG_ERROR,
          Reasons.PUBLISH_FAILED);

  /** One event to record. */
  public record PlannedEvent(EventRecorder.Type type, String reason, String message) {}

  private TransitionEvents() {}

  public static List<PlannedEvent> between(FineTuneJobStatus before, FineTuneJobStatus after) {
    return between(before, after, Created.NOTHING);
  }

  /** What a reconcile created, e.g. "trainer Job demo-trainer"; the trainer Job among them. */
  public record Created(List<String> objects, boolean trainerJob) {
    public static final Created NOTHING = new Created(List.of(), false);

    public Created {
      objects = List.copyOf(objects);
    }

    String sentence() {
      return "created "
          + (objects.size() == 1
              ? objects.get(0)
              : String.join(", ", objects.subList(0, objects.size() - 1))
                  + " and "
                  + objects.get(objects.size() - 1));
    }
  }

  /**
   * As {@link #between(FineTuneJobStatus, FineTuneJobStatus)}, with the objects this reconcile
   * created: they open the phase event's message (its reason becomes TrainerJobCreated when the
   * trainer Job is among them), or make an event of their own when the phase event is a warning.
   */
  public static List<PlannedEvent> between(
      FineTuneJobStatus before, FineTuneJobStatus after, Created created) {
    List<PlannedEvent> events = new ArrayList<>();
    Optional<Condition> beforePhase = phaseCondition(before);
    Condition afterPhase = phaseCondition(after).orElseThrow();
    boolean phaseChanged = before == null || before.getPhase() != after.getPhase();
    boolean reasonChanged =
        beforePhase.map(c -> !Objects.equals(c.getReason(), afterPhase.getReason())).orElse(true);
    boolean warning =
        after.getPhase() == Phase.Failed || WARNING_REASONS.contains(afterPhase.getReason());
    boolean phaseEvent = phaseChanged || reasonChanged;
    if (!created.objects().isEmpty()) {
      String reason = created.trainerJob() ? Reasons.JOB_CREATED : afterPhase.getReason();
      if (phaseEvent && !warning) {
        events.add(
            new PlannedEvent(
                EventRecorder.Type.Normal, reason, created.sentence() + "; " + after.getMessage()));
        phaseEvent = false;
      } else {
        events.add(new PlannedEvent(EventRecorder.Type.Normal, reason, created.sentence()));
      }
    }
    if (phaseEvent) {
      events.add(
          new PlannedEvent(
              warning ? EventRecorder.Type.Warning : EventRecorder.Type.Normal,
              afterPhase.getReason(),
              after.getMessage()));
    }
    Condition specAfter = condition(after, ConditionTypes.SPEC_APPLIED).orElseThrow();
    boolean driftBefore =
        condition(before, ConditionTypes.SPEC_APPLIED)
            .map(c -> "False".equals(c.getStatus()))
            .orElse(false);
    if ("False".equals(specAfter.getStatus()) && !driftBefore) {
      events.add(
          new PlannedEvent(
              EventRecorder.Type.Warning, specAfter.getReason(), specAfter.getMessage()));
    }
    events.addAll(newCheckpoints(before, after));
    microBatchReduced(before, after).ifPresent(events::add);
    events.addAll(evaluated(before, after));
    return events;
  }

  /**
   * Once, when the result with the trainer's evaluation arrives: a Normal Evaluated Event with the
   * numbers and the verdict, and a Warning EvaluationGateFailed Event when the gate failed.
   */
  private static List<PlannedEvent> evaluated(FineTuneJobStatus before, FineTuneJobStatus after) {
    boolean had = before != null && before.getResult() != null;
    if (had || after.getResult() == null || after.getResult().getEvaluation() == null) {
      return List.of();
    }
    Optional<Condition> promoted = condition(after, ConditionTypes.PROMOTED);
    List<PlannedEvent> events = new ArrayList<>();
    events.add(
        new PlannedEvent(
            EventRecorder.Type.Normal,
            Reasons.EVALUATED,
            Promotion.summary(
                after.getResult().getEvaluation(),
                promoted.map(
                    c -> new Promotion.Verdict(c.getStatus(), c.getReason(), c.getMessage())))));
    promoted
        .filter(c -> Reasons.EVALUATION_GATE_FAILED.equals(c.getReason()))
        .ifPresent(
            c ->
                events.add(
                    new PlannedEvent(EventRecorder.Type.Warning, c.getReason(), c.getMessage())));
    return events;
  }

  /** batchSize auto: the trainer halved its micro-batch after the GPU ran out of memory. */
  private static Optional<PlannedEvent> microBatchReduced(
      FineTuneJobStatus before, FineTuneJobStatus after) {
    Integer was = microBatch(before);
    Integer now = microBatch(after);
    if (was == null || now == null || now >= was) {
      return Optional.empty();
    }
    return Optional.of(
        new PlannedEvent(
            EventRecorder.Type.Warning,
            Reasons.MICRO_BATCH_REDUCED,
            "the device ran out of memory with micro-batches of "
                + was
                + " examples; the trainer goes on with "
                + now
                + " and more of them per step, so the global batch and the numbers stay"));
  }

  private static Integer microBatch(FineTuneJobStatus status) {
    return status == null || status.getProgress() == null
        ? null
        : status.getProgress().getMicroBatchSize();
  }

  /** One Normal event per checkpoint that appeared in status. */
  private static List<PlannedEvent> newCheckpoints(
      FineTuneJobStatus before, FineTuneJobStatus after) {
    if (after.getCheckpoints() == null) {
      return List.of();
    }
    Set<Long> known = new java.util.HashSet<>();
    if (before != null && before.getCheckpoints() != null) {
      before.getCheckpoints().forEach(c -> known.add(c.getStep()));
    }
    long newestKnown = known.stream().mapToLong(Long::longValue).max().orElse(-1);
    List<PlannedEvent> events = new ArrayList<>();
    for (CheckpointStatus c : after.getCheckpoints()) {
      if (!known.contains(c.getStep()) && c.getStep() > newestKnown) {
        events.add(
            new PlannedEvent(
                EventRecorder.Type.Normal,
                Reasons.CHECKPOINT_SAVED,
                "checkpoint at step "
                    + c.getStep()
                    + " saved to "
                    + c.getPath()
                    + (c.getLoss() == null ? "" : " (loss " + c.getLoss() + ")")));
      }
    }
    return events;
  }

  public static void record(
      EventRecorder recorder,
      FineTuneJob job,
      FineTuneJobStatus before,
      FineTuneJobStatus after,
      Created created) {
    for (PlannedEvent e : between(before, after, created)) {
      recorder.record(job, e.type(), e.reason(), e.message());
    }
  }

  /** The condition that explains the phase: Running's reason carries it in every phase. */
  private static Optional<Condition> phaseCondition(FineTuneJobStatus status) {
    return condition(status, ConditionTypes.RUNNING);
  }

  private static Optional<Condition> condition(FineTuneJobStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
