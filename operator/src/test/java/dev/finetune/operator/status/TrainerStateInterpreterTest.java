/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import dev.finetune.operator.observe.TrainerObservation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerStateInterpreterTest {
  private final Job job =
      TrainerJobDependentResource.desired(TestJobs.minimal(), OperatorConfig.defaults());

  @Test
  void noJobYetIsPending() {
    assertThat(
            TrainerStateInterpreter.decide(TestJobs.minimal(), TrainerObservation.none()).phase())
        .isEqualTo(Phase.Pending);
  }

  @Test
  void aSucceededPodBeforeTheJobIsCompleteIsStillRunningNotPending() {
    Pod done = terminated("p1", 0, "Completed", "{\"status\":\"Succeeded\"}");
    done.getStatus().setPhase("Succeeded");
    PhaseDecision d =
        TrainerStateInterpreter.decide(
            TestJobs.minimal(), new TrainerObservation(job, List.of(done)));
    assertThat(d.phase()).isEqualTo(Phase.Running);
    assertThat(d.message()).isEqualTo("the trainer finished; the Job is completing");
  }

  @Test
  void deadlineExceededNamesTheDeadline() {
    Job failed =
        new JobBuilder(job)
            .editSpec()
            .withActiveDeadlineSeconds(3600L)
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("Failed")
            .withStatus("True")
            .withReason("DeadlineExceeded")
            .endCondition()
            .endStatus()
            .build();
    PhaseDecision d =
        TrainerStateInterpreter.decide(
            TestJobs.minimal(), new TrainerObservation(failed, List.of()));
    assertThat(d.phase()).isEqualTo(Phase.Failed);
    assertThat(d.reason()).isEqualTo("DeadlineExceeded");
    assertThat(d.message()).contains("activeDeadlineSeconds (3600s)");
  }

  @Test
  void dataErrorUsesTheTrainersResultMessage() {
    Job failed = failedJob("PodFailurePolicy");
    Pod pod =
        terminated(
            "p1",
            65,
            "Error",
            "{\"status\":\"Failed\",\"error\":\"train.jsonl line 17: missing \\\"text\\\"\"}");
    PhaseDecision d =
        TrainerStateInterpreter.decide(
            TestJobs.minimal(), new TrainerObservation(failed, List.of(pod)));
    assertThat(d.reason()).isEqualTo("DataError");
    assertThat(d.message()).endsWith("train.jsonl line 17: missing \"text\"");
  }

  @Test
  void aFullVolumeIsStorageFullWithTheTrainersLine() {
    Job failed = failedJob("PodFailurePolicy");
    String line =
        "checkpoint-40 could not be written: the volume holding /workspace/checkpoints is full";
    Pod pod = terminated("p1", 73, "Error", "{\"status\":\"Failed\",\"error\":\"" + line + "\"}");
    PhaseDecision d =
        TrainerStateInterpreter.decide(
            TestJobs.minimal(), new TrainerObservation(failed, List.of(pod)));
    assertThat(d.phase()).isEqualTo(Phase.Failed);
    assertThat(d.reason()).isEqualTo("StorageFull");
    assertThat(d.message()).startsWith("the trainer ran out of space").endsWith(line);
  }

  @Test
  void crashWithoutResultKeepsTheLastLogLineBounded() {
    Job failed = failedJob("BackoffLimitExceeded");
    Pod pod = terminated("p1", 134, "Error", "line one\n" + "x".repeat(2000) + "\n\n");
    PhaseDecision d =
        TrainerStateInterpreter.decide(
            TestJobs.minimal(), new TrainerObservation(failed, List.of(pod)));
    assertThat(d.reason()).isEqualTo("TrainerCrashed");
    assertThat(d.message()).startsWith("the trainer exited with code 134 (after 4 attempts): xxx");
    // The excerpt is bounded; where the whole story is comes after it.
    assertThat(d.message()).contains("; the cause is in its log: kubectl logs job/");
    assertThat(d.message().length()).isLessThan(650);
  }

  @Test
  void failedJobWithoutPodInformationFallsBackToTheJobCondition() {
    PhaseDecision d =
        TrainerStateInterpreter.decide(
            TestJobs.minimal(),
            new TrainerObservation(failedJob("BackoffLimitExceeded"), List.of()));
    assertThat(d.reason()).isEqualTo("BackoffLimitExceeded");
  }

  @Test
  void restartsCountOnlyReplacedFailures() {
    Pod failed1 = terminated("a", 1, "Error", null);
    Pod failed2 = terminated("b", 137, "Error", null);
    Pod live =
        new PodBuilder()
            .withNewMetadata()
            .withName("c")
            .withCreationTimestamp("2026-01-01T00:00:03Z")
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    assertThat(
            TrainerStateInterpreter.restarts(
                new TrainerObservation(job, List.of(live, failed2, failed1))))
        .isEqualTo(2);
    assertThat(TrainerStateInterpreter.restarts(new TrainerObservation(job, List.of(failed1))))
        .isZero();
  }

  private Job failedJob(String reason) {
    return new JobBuilder(job)
        .withNewStatus()
        .withFailed(1)
        .addNewCondition()
        .withType("Failed")
        .withStatus("True")
        .withReason(reason)
        .withMessage("Job has reached the specified backoff limit")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod terminated(String name, int code, String reason, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp("2026-01-01T00:00:0" + (name.charAt(0) - 'a') + "Z")
        .endMetadata()
        .withNewStatus()
        .withPhase("Failed")
        .addNewContainerStatus()
        .withName("trainer")
        .withNewState()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }
}
