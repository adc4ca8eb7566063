/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.PrepareJobDependentResource;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import dev.finetune.operator.observe.TrainerObservation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both interpreters give each exit code the reason api's TrainerExit table gives it. */
class ExitCodeReasonsTest {
  @ParameterizedTest
  @EnumSource(TrainerExit.class)
  void theTrainerStepFailsWithTheTablesReason(TrainerExit exit) {
    Job job = failed(TrainerJobDependentResource.desired(TestJobs.minimal(), config()));
    PhaseDecision d =
        TrainerStateInterpreter.decide(
            TestJobs.minimal(),
            new TrainerObservation(
                job, List.of(exited(TrainerJobDependentResource.CONTAINER, exit))));
    assertThat(d.phase()).isEqualTo(Phase.Failed);
    assertThat(d.reason()).isEqualTo(exit.reason().orElse(Reasons.TRAINER_CRASHED));
    if (exit.reason().isPresent()) {
      assertThat(d.message()).startsWith("the trainer " + exit.meaning());
    }
  }

  @ParameterizedTest
  @EnumSource(TrainerExit.class)
  void thePrepareStepWithoutAReportFailsWithTheTablesPrepareReason(TrainerExit exit) {
    Job job = failed(PrepareJobDependentResource.desired(TestJobs.minimal(), config()));
    PhaseDecision d =
        PrepareInterpreter.decide(
                TestJobs.minimal(),
                new TrainerObservation(
                    job, List.of(exited(PrepareJobDependentResource.CONTAINER, exit))))
            .orElseThrow();
    assertThat(d.phase()).isEqualTo(Phase.Failed);
    assertThat(d.reason()).isEqualTo(exit.prepareReason().orElse(Reasons.PREPARE_FAILED));
  }

  private static OperatorConfig config() {
    return OperatorConfig.defaults();
  }

  private static Job failed(Job job) {
    return new JobBuilder(job)
        .withNewStatus()
        .addNewCondition()
        .withType("Failed")
        .withStatus("True")
        .withReason("PodFailurePolicy")
        .endCondition()
        .endStatus()
        .build();
  }

  /** A pod whose container ended with {@code exit}'s code and a log tail (no JSON report). */
  private static Pod exited(String container, TrainerExit exit) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewStatus()
        .withPhase("Failed")
        .addNewContainerStatus()
        .withName(container)
        .withNewState()
        .withNewTerminated()
        .withExitCode(exit.code())
        .withReason("Error")
        .withMessage("the last line of the log")
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }
}
