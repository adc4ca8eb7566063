/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.TestJobs;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class WorkspaceClaimDependentResourceTest {
  @Test
  void defaultClaimIsRetainedWithoutOwnerReference() {
    PersistentVolumeClaim claim = WorkspaceClaimDependentResource.desired(TestJobs.minimal());
    assertThat(claim.getMetadata().getName()).isEqualTo("demo-workspace");
    assertThat(claim.getMetadata().getOwnerReferences())
        .as("a trained model must survive deleting its FineTuneJob")
        .isNullOrEmpty();
    assertThat(claim.getMetadata().getLabels()).containsEntry("finetune.dev/job-name", "demo");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("20Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isNull();
  }

  @Test
  void deletePolicyAddsControllerOwnerReference() {
    FineTuneJob job =
        TestJobs.minimalWith(
            "output: {retainPolicy: Delete}\n"
                + "checkpoints: {storage: {size: 5Gi, storageClassName: fast}}");
    PersistentVolumeClaim claim = WorkspaceClaimDependentResource.desired(job);
    assertThat(claim.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getController()).isTrue());
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("5Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
  }

  @Test
  void noClaimIsNeededWhenTheSpecNamesOne() {
    assertThat(WorkspaceClaimDependentResource.isNeeded(TestJobs.minimal())).isTrue();
    assertThat(
            WorkspaceClaimDependentResource.isNeeded(
                TestJobs.minimalWith("checkpoints: {storage: {existingClaim: mine}}")))
        .isFalse();
  }
}
