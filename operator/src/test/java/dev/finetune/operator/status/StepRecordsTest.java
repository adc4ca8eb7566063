/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.StepState;
import dev.finetune.api.v1alpha1.StepStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepRecordsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static StepRecords at(Instant now) {
    return new StepRecords(Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aStepIsRecordedWhenSeenAndItsTimesAreKept() {
    List<StepStatus> active = at(T0).next(null, "prepare", job("demo-prepare", null), none());
    assertThat(active)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getJob()).isEqualTo("demo-prepare");
              assertThat(s.getState()).isEqualTo(StepState.Active);
              assertThat(s.getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
              assertThat(s.getCompletionTime()).isNull();
            });
    Instant later = T0.plusSeconds(60);
    assertThat(at(later).next(active, "prepare", job("demo-prepare", null), none()))
        .as("unchanged Job, equal record")
        .isEqualTo(active);

    List<StepStatus> done =
        at(later).next(active, "prepare", job("demo-prepare", "Complete"), none());
    List<StepStatus> withTrainer =
        at(later.plusSeconds(5)).next(done, "trainer", job("demo-trainer", null), none());
    assertThat(withTrainer)
        .extracting(StepStatus::getName, StepStatus::getState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("prepare", StepState.Succeeded),
            org.assertj.core.groups.Tuple.tuple("trainer", StepState.Active));
    assertThat(withTrainer.get(0).getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(withTrainer.get(0).getCompletionTime()).isEqualTo("2026-01-01T00:01:00Z");

    FineTuneJobStatus status = new FineTuneJobStatus();
    status.setSteps(withTrainer);
    assertThat(StepRecords.succeeded(status, "prepare")).isTrue();
    assertThat(StepRecords.succeeded(status, "trainer")).isFalse();
    assertThat(StepRecords.succeeded(null, "prepare")).isFalse();
  }

  @Test
  void aGoneJobKeepsItsRecordAndAFailedOneItsReason() {
    List<StepStatus> done = at(T0).next(null, "prepare", job("demo-prepare", "Complete"), none());
    assertThat(at(T0.plusSeconds(9)).next(done, "prepare", null, none())).isEqualTo(done);

    List<StepStatus> failed =
        at(T0)
            .next(
                null,
                "prepare",
                job("demo-prepare", "Failed"),
                Optional.of(new PhaseDecision(Phase.Failed, "DataError", "bad line")));
    assertThat(failed.get(0).getState()).isEqualTo(StepState.Failed);
    assertThat(failed.get(0).getReason()).isEqualTo("DataError");
    assertThat(failed.get(0).getCompletionTime()).isNotNull();
  }

  private static Optional<PhaseDecision> none() {
    return Optional.empty();
  }

  private static Job job(String name, String condition) {
    JobBuilder job = new JobBuilder().withNewMetadata().withName(name).endMetadata();
    if (condition != null) {
      job.withNewStatus()
          .addNewCondition()
          .withType(condition)
          .withStatus("True")
          .endCondition()
          .endStatus();
    }
    return job.build();
  }
}
