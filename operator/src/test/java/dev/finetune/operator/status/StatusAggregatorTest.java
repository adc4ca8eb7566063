/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.TestJobs;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  private static final PhaseDecision PENDING =
      new PhaseDecision(Phase.Pending, Reasons.POD_STARTING, "starting");
  private static final PhaseDecision RUNNING =
      new PhaseDecision(Phase.Running, Reasons.TRAINER_RUNNING, "running");

  @Test
  void sameInputsGiveAnEqualStatusAndKeepTransitionTimes() {
    FineTuneJob job = TestJobs.minimal();
    FineTuneJobStatus first =
        at("2026-01-01T00:00:00Z").next(job, PENDING, true, List.of(), "demo-trainer", 0);
    job.setStatus(first);
    FineTuneJobStatus again =
        at("2026-01-01T00:05:00Z").next(job, PENDING, true, List.of(), "demo-trainer", 0);
    assertThat(again).isEqualTo(first);
    assertThat(again.getConditions())
        .allSatisfy(c -> assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z"));
  }

  @Test
  void onlyFlippedConditionsGetANewTransitionTime() {
    FineTuneJob job = TestJobs.minimal();
    job.setStatus(
        at("2026-01-01T00:00:00Z").next(job, PENDING, true, List.of(), "demo-trainer", 0));
    FineTuneJobStatus running =
        at("2026-01-01T01:00:00Z").next(job, RUNNING, true, List.of(), "demo-trainer", 0);

    assertThat(condition(running, ConditionTypes.RUNNING).getLastTransitionTime())
        .isEqualTo("2026-01-01T01:00:00Z");
    assertThat(condition(running, ConditionTypes.VALIDATED).getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(condition(running, ConditionTypes.SUCCEEDED).getLastTransitionTime())
        .as("False before and after, only its reason changed")
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(running.getStartTime()).isEqualTo("2026-01-01T01:00:00Z");
    assertThat(running.getCompletionTime()).isNull();
  }

  @Test
  void conditionsUseKubernetesStringsAndCarryTheGeneration() {
    FineTuneJob job = TestJobs.minimal();
    job.getMetadata().setGeneration(7L);
    FineTuneJobStatus status =
        at("2026-01-01T00:00:00Z").next(job, RUNNING, true, List.of(), "t", 0);
    assertThat(status.getObservedGeneration()).isEqualTo(7L);
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            "Validated",
            "Running",
            "Succeeded",
            "Failed",
            "Suspended",
            "SpecApplied",
            "Ready",
            "Reconciling",
            "Stalled",
            "TrainerReachable");
    assertThat(status.getConditions())
        .allSatisfy(
            c -> {
              assertThat(c.getStatus()).isIn("True", "False", "Unknown");
              assertThat(c.getReason()).matches("[A-Z][A-Za-z]*");
              assertThat(c.getObservedGeneration()).isEqualTo(7L);
            });
  }

  @Test
  void summaryConditionsFollowKstatus() {
    FineTuneJob job = TestJobs.minimal();
    StatusAggregator aggregator = at("2026-01-01T00:00:00Z");
    PhaseDecision failed = new PhaseDecision(Phase.Failed, "DataError", "bad line 3");
    PhaseDecision succeeded = new PhaseDecision(Phase.Succeeded, "TrainingSucceeded", "done");
    PhaseDecision suspended = new PhaseDecision(Phase.Suspended, "SuspendedByUser", "held");
    record Want(PhaseDecision decision, String ready, String reconciling, String stalled) {}
    for (Want want :
        List.of(
            new Want(PENDING, "Unknown", "True", "False"),
            new Want(RUNNING, "Unknown", "True", "False"),
            new Want(succeeded, "True", "False", "False"),
            new Want(failed, "False", "False", "True"),
            new Want(suspended, "False", "False", "False"))) {
      FineTuneJobStatus status = aggregator.next(job, want.decision(), true, List.of(), "t", 0);
      String phase = want.decision().phase().name();
      assertThat(condition(status, ConditionTypes.READY).getStatus())
          .as(phase)
          .isEqualTo(want.ready());
      assertThat(condition(status, ConditionTypes.RECONCILING).getStatus())
          .as(phase)
          .isEqualTo(want.reconciling());
      assertThat(condition(status, ConditionTypes.STALLED).getStatus())
          .as(phase)
          .isEqualTo(want.stalled());
      assertThat(condition(status, ConditionTypes.STALLED).getReason())
          .isEqualTo(want.decision().reason());
    }
  }

  @Test
  void specDriftNamesTheFields() {
    FineTuneJobStatus status =
        at("2026-01-01T00:00:00Z")
            .next(TestJobs.minimal(), RUNNING, true, List.of("spec.model", "spec.image"), "t", 0);
    Condition applied = condition(status, ConditionTypes.SPEC_APPLIED);
    assertThat(applied.getStatus()).isEqualTo("False");
    assertThat(applied.getReason()).isEqualTo("SpecChangedAfterStart");
    assertThat(applied.getMessage())
        .startsWith(
            "spec.model, spec.image changed after the trainer Job was created and are not applied");
  }

  @Test
  void finalPhaseSetsCompletionTimeOnce() {
    FineTuneJob job = TestJobs.minimal();
    PhaseDecision done = new PhaseDecision(Phase.Succeeded, Reasons.TRAINING_SUCCEEDED, "done");
    job.setStatus(at("2026-01-01T02:00:00Z").next(job, done, true, List.of(), "t", 0));
    FineTuneJobStatus later = at("2026-01-02T00:00:00Z").next(job, done, true, List.of(), "t", 0);
    assertThat(later.getCompletionTime()).isEqualTo("2026-01-01T02:00:00Z");
  }

  private static StatusAggregator at(String instant) {
    return new StatusAggregator(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  private static Condition condition(FineTuneJobStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }
}
