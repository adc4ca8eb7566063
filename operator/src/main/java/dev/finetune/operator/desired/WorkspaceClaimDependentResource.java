/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.RetainPolicy;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;

/**
 * The workspace claim (checkpoints, download cache and, by default, the trained model), created
 * unless the spec names an existing claim. It carries an owner reference only with {@code
 * output.retainPolicy: Delete}: by default a trained model outlives its FineTuneJob. The operator
 * never deletes a claim itself (no Deleter).
 */
public class WorkspaceClaimDependentResource extends FineTuneJobChildResource<PersistentVolumeClaim>
    implements Creator<PersistentVolumeClaim, FineTuneJob> {

  public static final String ACCESS_MODE = "ReadWriteOnce";

  public WorkspaceClaimDependentResource() {
    super(PersistentVolumeClaim.class);
  }

  @Override
  String childName(FineTuneJob job) {
    return ChildNames.workspaceClaim(job);
  }

  /** Whether the operator creates a claim for this job (no existing claim named). */
  public static boolean isNeeded(FineTuneJob job) {
    return SpecDefaults.existingClaim(job.getSpec()).isEmpty();
  }

  @Override
  protected PersistentVolumeClaim desired(FineTuneJob job, Context<FineTuneJob> context) {
    return desired(job);
  }

  /** Pure: the claim for {@code job}. */
  public static PersistentVolumeClaim desired(FineTuneJob job) {
    var builder =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName(ChildNames.workspaceClaim(job))
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(ChildLabels.forChild(job, "workspace"))
            .endMetadata()
            .withNewSpec()
            .withAccessModes(ACCESS_MODE)
            .withNewResources()
            .addToRequests("storage", new Quantity(SpecDefaults.storageSize(job.getSpec())))
            .endResources()
            .withStorageClassName(
                SpecDefaults.storage(job.getSpec()).map(s -> s.getStorageClassName()).orElse(null))
            .endSpec();
    if (SpecDefaults.retainPolicy(job.getSpec()) == RetainPolicy.DELETE) {
      builder.editMetadata().withOwnerReferences(controllerReference(job)).endMetadata();
    }
    return builder.build();
  }
}
