/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.operator.local.JobPods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the Job controller and the kubelet against the mock API server, which runs neither: it
 * creates the trainer Job's pods and writes Pod and Job status the way Kubernetes would.
 */
final class TestingJobController {
  private final KubernetesClient client;
  private final String namespace;
  private final AtomicInteger podCounter = new AtomicInteger();

  TestingJobController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  Job job(String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }

  /** A new pod of the Job, as the Job controller creates it from the template. */
  Pod createPod(Job job) {
    Pod pod =
        JobPods.newPod(
            job,
            job.getMetadata().getName() + "-" + podCounter.incrementAndGet(),
            Instant.now().plusMillis(podCounter.get()));
    return client.pods().inNamespace(namespace).resource(pod).create();
  }

  Pod podNamed(Pod pod) {
    return client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
  }

  Pod unschedulable(Pod pod, String message) {
    return updatePod(
        pod,
        new PodBuilder(pod)
            .editStatus()
            .withPhase("Pending")
            .withConditions(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage(message)
                    .build())
            .endStatus()
            .build());
  }

  Pod waiting(Pod pod, String reason, String message) {
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName("trainer")
            .withImage(pod.getSpec().getContainers().get(0).getImage())
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .build();
    return updatePod(
        pod,
        new PodBuilder(pod)
            .editStatus()
            .withPhase("Pending")
            .withContainerStatuses(status)
            .endStatus()
            .build());
  }

  /** Running, without a pod IP: the operator has no trainer to poll. */
  Pod running(Pod pod) {
    return running(pod, null);
  }

  /** Running with a pod IP: the operator polls the trainer's /progress there. */
  Pod runningAt(Pod pod, String podIP) {
    return running(pod, podIP);
  }

  private Pod running(Pod pod, String podIP) {
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName("trainer")
            .withReady(true)
            .withNewState()
            .withNewRunning()
            .withStartedAt(Instant.now().toString())
            .endRunning()
            .endState()
            .build();
    // The scheduler binds the pod (a spec change), then the kubelet reports (status).
    Pod bound =
        client
            .pods()
            .inNamespace(namespace)
            .withName(pod.getMetadata().getName())
            .edit(p -> new PodBuilder(p).editSpec().withNodeName("gpu-node-1").endSpec().build());
    return updatePod(
        bound,
        new PodBuilder(bound)
            .editStatus()
            .withPhase("Running")
            .withPodIP(podIP)
            .withContainerStatuses(status)
            .endStatus()
            .build());
  }

  Pod terminated(Pod pod, int exitCode, String reason, String message) {
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName("trainer")
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(reason)
            .withMessage(message)
            .endTerminated()
            .endState()
            .build();
    return updatePod(
        pod,
        new PodBuilder(pod)
            .editStatus()
            .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
            .withContainerStatuses(status)
            .endStatus()
            .build());
  }

  /** Job status as the Job controller writes it: counts, and a final condition when given. */
  Job jobStatus(Job job, int active, int failed, String conditionType, String reason) {
    JobBuilder builder =
        new JobBuilder(job(job.getMetadata().getName()))
            .editOrNewStatus()
            .withActive(active)
            .withFailed(failed)
            .withStartTime(Instant.now().toString())
            .endStatus();
    if (conditionType != null) {
      builder
          .editStatus()
          .addToConditions(
              new JobConditionBuilder()
                  .withType(conditionType)
                  .withStatus("True")
                  .withReason(reason)
                  .withMessage(reason == null ? null : "Job has reached " + reason)
                  .withLastTransitionTime(Instant.now().toString())
                  .build())
          .endStatus();
    }
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .resource(builder.build())
        .updateStatus();
  }

  private Pod updatePod(Pod old, Pod updated) {
    return client.pods().inNamespace(namespace).resource(updated).updateStatus();
  }
}
