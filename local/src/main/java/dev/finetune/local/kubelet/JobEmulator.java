/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubelet;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Plays the Job controller and the kubelet's status reports against an API server that runs neither
 * (the mock API): creates a Job's pods from its template, moves them through Pending, Running and a
 * terminated state, and writes Job status the way Kubernetes does, including the pod failure policy
 * and backoffLimit. Local mode's {@link LocalKubelet} drives it from real processes; the operator's
 * mock-API tests drive it step by step (pods unschedulable, an image that cannot be pulled, a
 * trainer that answers at an address).
 */
public final class JobEmulator {
  private final KubernetesClient client;
  private final String nodeName;
  private final String podIP;
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  /**
   * @param nodeName the node every pod is bound to when it runs
   * @param podIP the address running pods get when a caller gives none (null: no address)
   */
  public JobEmulator(KubernetesClient client, String nodeName, String podIP) {
    this.client = client;
    this.nodeName = nodeName;
    this.podIP = podIP;
  }

  /** What the Job controller does after a pod ended. */
  public enum Outcome {
    /** The Job is Complete. */
    COMPLETE,
    /** The Job failed (a FailJob rule matched, or backoffLimit was exceeded). */
    FAILED,
    /** The failure was counted; a new pod should start. */
    RETRY,
    /** The Job was gone or had already finished. */
    NONE
  }

  public Job job(String namespace, String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }

  /**
   * A new Pending pod of the Job, named {@code <job>-<attempt>}, as the Job controller makes it.
   */
  public Pod createPod(Job job) {
    return createPod(job, UnaryOperator.identity());
  }

  /** As {@link #createPod(Job)}, with {@code adjust} applied to the pod before it is created. */
  public Pod createPod(Job job, UnaryOperator<Pod> adjust) {
    String key = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    int attempt = attempts.merge(key, 1, Integer::sum);
    // Creation times a millisecond apart per attempt keep "newest pod" well defined.
    Pod pod =
        JobPods.newPod(
            job, job.getMetadata().getName() + "-" + attempt, Instant.now().plusMillis(attempt));
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .resource(adjust.apply(pod))
        .create();
  }

  /** The pod as the API has it now. */
  public Pod podNamed(Pod pod) {
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .get();
  }

  /** The scheduler found no node. */
  public Pod unschedulable(Pod pod, String message) {
    return updateStatus(
        pod,
        b ->
            b.editStatus()
                .withPhase("Pending")
                .withConditions(
                    new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage(message)
                        .build())
                .endStatus());
  }

  /** The container waits, e.g. ImagePullBackOff. */
  public Pod waiting(Pod pod, String reason, String message) {
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName(container(pod))
            .withImage(pod.getSpec().getContainers().get(0).getImage())
            .withRestartCount(0)
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .build();
    return updateStatus(
        pod, b -> b.editStatus().withPhase("Pending").withContainerStatuses(status).endStatus());
  }

  /** Bound to the node and running, at the emulator's pod address. */
  public Pod running(Pod pod) {
    return runningAt(pod, podIP);
  }

  /** Bound to the node and running at {@code address} (null: no address, nothing to poll). */
  public Pod runningAt(Pod pod, String address) {
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName(container(pod))
            .withReady(true)
            .withRestartCount(0)
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
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .edit(p -> new PodBuilder(p).editSpec().withNodeName(nodeName).endSpec().build());
    return updateStatus(
        bound,
        b ->
            b.editStatus()
                .withPhase("Running")
                .withPodIP(address)
                .withStartTime(Instant.now().toString())
                .withContainerStatuses(status)
                .endStatus());
  }

  /** The container ended with {@code exitCode}; the pod is Succeeded (0) or Failed. */
  public Pod terminated(Pod pod, int exitCode, String reason, String message) {
    ContainerStatus status =
        new ContainerStatusBuilder()
            .withName(container(pod))
            .withRestartCount(0)
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(reason)
            .withMessage(message)
            .withFinishedAt(Instant.now().toString())
            .endTerminated()
            .endState()
            .build();
    return updateStatus(
        pod,
        b ->
            b.editStatus()
                .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(status)
                .endStatus());
  }

  /**
   * Job status as the Job controller writes it: counts, the start time (kept once set), and a final
   * condition with its completion time when {@code conditionType} is given.
   */
  public Job jobStatus(Job job, int active, int failed, String conditionType, String reason) {
    Job current = job(job.getMetadata().getNamespace(), job.getMetadata().getName());
    boolean complete = "Complete".equals(conditionType);
    JobBuilder builder =
        new JobBuilder(current)
            .editOrNewStatus()
            .withActive(active)
            .withFailed(failed)
            .withSucceeded(complete ? 1 : 0)
            .withStartTime(
                current.getStatus() != null && current.getStatus().getStartTime() != null
                    ? current.getStatus().getStartTime()
                    : Instant.now().toString())
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
          .withCompletionTime(complete ? Instant.now().toString() : null)
          .endStatus();
    }
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .resource(builder.build())
        .updateStatus();
  }

  /**
   * A pod of {@code job} ended: its status is written, then the Job controller's decision —
   * Complete on exit 0; Failed when a FailJob rule of the pod failure policy matches or the
   * failures exceed backoffLimit (default 6); otherwise the failure is counted and another pod is
   * due.
   */
  public Outcome podExited(Job job, Pod pod, int exitCode, String message) {
    if (pod != null && podNamed(pod) != null) {
      terminated(pod, exitCode, exitCode == 0 ? "Completed" : "Error", message);
    }
    Job current = job(job.getMetadata().getNamespace(), job.getMetadata().getName());
    if (current == null || finished(current)) {
      return Outcome.NONE;
    }
    if (exitCode == 0) {
      jobStatus(current, 0, failures(current), "Complete", null);
      return Outcome.COMPLETE;
    }
    int failed = failures(current) + 1;
    if (failJob(current, exitCode)) {
      jobStatus(current, 0, failed, "Failed", "PodFailurePolicy");
      return Outcome.FAILED;
    }
    if (failed > Optional.ofNullable(current.getSpec().getBackoffLimit()).orElse(6)) {
      jobStatus(current, 0, failed, "Failed", "BackoffLimitExceeded");
      return Outcome.FAILED;
    }
    jobStatus(current, 0, failed, null, null);
    return Outcome.RETRY;
  }

  /** Failed pods counted in the Job's status. */
  public static int failures(Job job) {
    return job.getStatus() == null || job.getStatus().getFailed() == null
        ? 0
        : job.getStatus().getFailed();
  }

  /** Whether the Job has a Complete or Failed condition. */
  public static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  /** Whether a FailJob rule of the Job's pod failure policy matches {@code exitCode}. */
  static boolean failJob(Job job, int exitCode) {
    if (job.getSpec().getPodFailurePolicy() == null) {
      return false;
    }
    for (PodFailurePolicyRule rule : job.getSpec().getPodFailurePolicy().getRules()) {
      PodFailurePolicyOnExitCodesRequirement codes = rule.getOnExitCodes();
      if (!"FailJob".equals(rule.getAction()) || codes == null) {
        continue;
      }
      boolean in = codes.getValues().contains(exitCode);
      if ("In".equals(codes.getOperator()) == in) {
        return true;
      }
    }
    return false;
  }

  /** The pod's (single) container, whose state the status reports. */
  private static String container(Pod pod) {
    return pod.getSpec().getContainers().get(0).getName();
  }

  private Pod updateStatus(Pod pod, UnaryOperator<PodBuilder> edit) {
    Pod current = podNamed(pod);
    if (current == null) {
      return null;
    }
    Pod updated = edit.apply(new PodBuilder(current).editOrNewStatus().endStatus()).build();
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .resource(updated)
        .updateStatus();
  }
}
