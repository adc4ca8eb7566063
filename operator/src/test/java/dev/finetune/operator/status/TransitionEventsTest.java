/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.ProgressStatus;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.status.TransitionEvents.Created;
import dev.finetune.operator.status.TransitionEvents.PlannedEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransitionEventsTest {
  private static final StatusAggregator STATUS =
      new StatusAggregator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  private static FineTuneJobStatus status(PhaseDecision decision) {
    FineTuneJob job = TestJobs.minimal();
    return STATUS.next(job, decision, true, List.of(), "demo-trainer", 0);
  }

  @Test
  void whatAReconcileCreatedIsNamedInThePhaseEventNotInEventsOfItsOwn() {
    FineTuneJobStatus pending =
        status(new PhaseDecision(Phase.Pending, Reasons.POD_STARTING, "waiting for the pod"));
    List<PlannedEvent> events =
        TransitionEvents.between(
            null,
            pending,
            new Created(List.of("ConfigMap c", "PersistentVolumeClaim w", "trainer Job j"), true));
    assertThat(events)
        .containsExactly(
            new PlannedEvent(
                EventRecorder.Type.Normal,
                Reasons.JOB_CREATED,
                "created ConfigMap c, PersistentVolumeClaim w and trainer Job j; waiting for the"
                    + " pod"));
  }

  @Test
  void aWarningTransitionStaysItsOwnEventBesideTheCreation() {
    FineTuneJobStatus unschedulable =
        status(new PhaseDecision(Phase.Pending, Reasons.UNSCHEDULABLE, "0/3 nodes"));
    List<PlannedEvent> events =
        TransitionEvents.between(null, unschedulable, new Created(List.of("trainer Job j"), true));
    assertThat(events)
        .containsExactly(
            new PlannedEvent(
                EventRecorder.Type.Normal, Reasons.JOB_CREATED, "created trainer Job j"),
            new PlannedEvent(EventRecorder.Type.Warning, Reasons.UNSCHEDULABLE, "0/3 nodes"));
  }

  @Test
  void withNothingCreatedOnlyTheTransitionIsAnEvent() {
    FineTuneJobStatus pending =
        status(new PhaseDecision(Phase.Pending, Reasons.POD_STARTING, "waiting for the pod"));
    assertThat(TransitionEvents.between(null, pending))
        .containsExactly(
            new PlannedEvent(
                EventRecorder.Type.Normal, Reasons.POD_STARTING, "waiting for the pod"));
    assertThat(TransitionEvents.between(pending, pending, Created.NOTHING)).isEmpty();
  }

  @Test
  void aSmallerMicroBatchIsAWarningEventOnce() {
    FineTuneJobStatus running =
        status(new PhaseDecision(Phase.Running, Reasons.TRAINER_RUNNING, "training"));
    running.setProgress(new ProgressStatus());
    running.getProgress().setMicroBatchSize(8);
    FineTuneJobStatus halved =
        status(new PhaseDecision(Phase.Running, Reasons.TRAINER_RUNNING, "training"));
    halved.setProgress(new ProgressStatus());
    halved.getProgress().setMicroBatchSize(4);

    assertThat(TransitionEvents.between(running, halved))
        .containsExactly(
            new PlannedEvent(
                EventRecorder.Type.Warning,
                Reasons.MICRO_BATCH_REDUCED,
                "the device ran out of memory with micro-batches of 8 examples; the trainer goes"
                    + " on with 4 and more of them per step, so the global batch and the numbers"
                    + " stay"));
    assertThat(TransitionEvents.between(halved, halved)).as("no change, no event").isEmpty();
  }
}
