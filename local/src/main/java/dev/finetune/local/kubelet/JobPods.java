/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubelet;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;

/** A Job's pod as the Job controller creates it: the template, its labels, an owner reference. */
public final class JobPods {
  private JobPods() {}

  /** A Pending pod named {@code podName} from {@code job}'s template, created at {@code at}. */
  public static Pod newPod(Job job, String podName, Instant at) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
        .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
        .withCreationTimestamp(at.toString())
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid())
                .withController(true)
                .build())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }
}
