/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.RunPolicy;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

class AppliedSpecTest {
  @Test
  void unchangedSpecHasNoChangedFields() {
    FineTuneJob ftj = TestJobs.minimal();
    Job job = TrainerJobDependentResource.desired(ftj, OperatorConfig.defaults());
    assertThat(AppliedSpec.changedFields(TestJobs.minimal(), job)).isEmpty();
  }

  @Test
  void numbersOfEveryTypeCompareEqualAfterTheRoundTrip() {
    // Long fields (maxSteps, seed, everySteps) once made every spec look edited.
    FineTuneJob ftj =
        TestJobs.minimalWith(
            """
            hyperparameters: {maxSteps: 30, seed: 42, evalEverySteps: 10, learningRate: 0.01}
            checkpoints: {everySteps: 10, keepLast: 2, storage: {size: 1Gi}}
            method: {type: lora, lora: {rank: 8, alpha: 16}}
            """);
    Job job = TrainerJobDependentResource.desired(ftj, OperatorConfig.defaults());
    assertThat(AppliedSpec.changedFields(ftj, job)).isEmpty();
  }

  @Test
  void suspendIsNotAChange() {
    Job job = TrainerJobDependentResource.desired(TestJobs.minimal(), OperatorConfig.defaults());
    FineTuneJob suspended = TestJobs.minimal();
    RunPolicy policy = new RunPolicy();
    policy.setSuspend(true);
    suspended.getSpec().setRunPolicy(policy);
    assertThat(AppliedSpec.changedFields(suspended, job)).isEmpty();
  }

  @Test
  void editedFieldsAreNamedInOrder() {
    Job job = TrainerJobDependentResource.desired(TestJobs.minimal(), OperatorConfig.defaults());
    FineTuneJob edited =
        TestJobs.minimalWith(
            "hyperparameters: {learningRate: 0.001}\nrunPolicy: {backoffLimit: 1, suspend: true}");
    edited.getSpec().getModel().setSource("hf://other/model");
    assertThat(AppliedSpec.changedFields(edited, job))
        .containsExactly("spec.hyperparameters", "spec.model", "spec.runPolicy");
  }
}
