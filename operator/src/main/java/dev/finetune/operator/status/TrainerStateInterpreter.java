/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.desired.SpecDefaults;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import dev.finetune.operator.observe.TrainerObservation;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the trainer Job and its pods the way a person would, and says which phase the run is in and
 * why, in the pod's own words where it has them (OOMKilled, an image that cannot be pulled, a node
 * that cannot be found, the trainer's termination message) rather than a generic "failed".
 */
public final class TrainerStateInterpreter {
  private static final Set<String> IMAGE_PULL_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
  private static final Set<String> CONTAINER_CONFIG_REASONS =
      Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");
  private static final int MAX_MESSAGE = 512;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainerStateInterpreter() {}

  public static PhaseDecision decide(FineTuneJob ftj, TrainerObservation observed) {
    Job job = observed.job();
    if (job == null) {
      return new PhaseDecision(Phase.Pending, Reasons.JOB_CREATED, "creating the trainer Job");
    }
    if (hasCondition(job, "Complete")) {
      return new PhaseDecision(
          Phase.Succeeded, Reasons.TRAINING_SUCCEEDED, "training finished successfully");
    }
    Optional<JobCondition> failed = condition(job, "Failed");
    if (failed.isPresent()) {
      return failure(job, failed.get(), observed.pods());
    }
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      if (SpecDefaults.suspend(ftj.getSpec())) {
        return new PhaseDecision(
            Phase.Suspended,
            Reasons.SUSPENDED_BY_USER,
            "suspended by runPolicy.suspend; the trainer resumes from its latest checkpoint when"
                + " it is set to false");
      }
      return new PhaseDecision(
          Phase.Queued,
          Reasons.WAITING_FOR_QUEUE,
          "waiting for queue "
              + TrainerJobDependentResource.queueName(ftj).orElse("(none)")
              + " to admit the trainer Job");
    }
    Optional<Pod> live = observed.pods().stream().filter(p -> !isFinished(p)).reduce((a, b) -> b);
    boolean trainerSucceeded =
        observed.pods().stream()
            .anyMatch(p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase()));
    if (live.isEmpty() && trainerSucceeded) {
      // The pod has finished before the Job controller marks the Job Complete: still running.
      return new PhaseDecision(
          Phase.Running, Reasons.TRAINER_RUNNING, "the trainer finished; the Job is completing");
    }
    if (live.isEmpty()) {
      int failures = failedAttempts(observed);
      return new PhaseDecision(
          Phase.Pending,
          Reasons.POD_STARTING,
          failures > 0
              ? "waiting for a new trainer pod after " + failures + " failed attempt(s)"
              : "waiting for the trainer pod to be created");
    }
    return pending(live.get()).orElseGet(() -> running(live.get()));
  }

  /** Trainer pods that failed and were replaced by a newer pod (crashes and preemptions). */
  public static int restarts(TrainerObservation observed) {
    List<Pod> pods = observed.pods();
    int replaced = 0;
    for (int i = 0; i < pods.size() - 1; i++) {
      if (isFailed(pods.get(i))) {
        replaced++;
      }
    }
    return replaced;
  }

  /** Failed attempts so far: the Job's own count, or the failed pods seen if more. */
  private static int failedAttempts(TrainerObservation observed) {
    Job job = observed.job();
    int counted =
        job == null || job.getStatus() == null || job.getStatus().getFailed() == null
            ? 0
            : job.getStatus().getFailed();
    int seen = (int) observed.pods().stream().filter(TrainerStateInterpreter::isFailed).count();
    return Math.max(counted, seen);
  }

  private static PhaseDecision running(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if ("Running".equals(pod.getStatus().getPhase())) {
      return new PhaseDecision(
          Phase.Running,
          Reasons.TRAINER_RUNNING,
          node == null ? "the trainer is running" : "the trainer is running on node " + node);
    }
    return new PhaseDecision(Phase.Pending, Reasons.POD_STARTING, "the trainer pod is starting");
  }

  private static Optional<PhaseDecision> pending(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.of(
          new PhaseDecision(Phase.Pending, Reasons.POD_STARTING, "the trainer pod is starting"));
    }
    for (ContainerStatus status : containerStatuses(pod)) {
      ContainerStateWaiting waiting =
          status.getState() == null ? null : status.getState().getWaiting();
      if (waiting == null) {
        continue;
      }
      if (IMAGE_PULL_REASONS.contains(waiting.getReason())) {
        return Optional.of(
            new PhaseDecision(
                Phase.Pending,
                Reasons.IMAGE_PULL_FAILED,
                "cannot pull trainer image "
                    + status.getImage()
                    + " ("
                    + waiting.getReason()
                    + ")"
                    + suffix(waiting.getMessage())));
      }
      if (CONTAINER_CONFIG_REASONS.contains(waiting.getReason())) {
        return Optional.of(
            new PhaseDecision(
                Phase.Pending,
                Reasons.CONTAINER_CONFIG_ERROR,
                "the trainer container cannot start ("
                    + waiting.getReason()
                    + ")"
                    + suffix(waiting.getMessage())));
      }
    }
    Optional<PodCondition> unschedulable =
        Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of()).stream()
            .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
            .filter(c -> "Unschedulable".equals(c.getReason()))
            .findFirst();
    return unschedulable.map(
        c ->
            new PhaseDecision(
                Phase.Pending,
                Reasons.UNSCHEDULABLE,
                "the trainer pod cannot be scheduled" + suffix(c.getMessage())));
  }

  private static PhaseDecision failure(Job job, JobCondition failed, List<Pod> pods) {
    if ("DeadlineExceeded".equals(failed.getReason())) {
      return new PhaseDecision(
          Phase.Failed,
          Reasons.DEADLINE_EXCEEDED,
          "the run exceeded runPolicy.activeDeadlineSeconds ("
              + job.getSpec().getActiveDeadlineSeconds()
              + "s); raise it, or shorten the run (hyperparameters.maxSteps or epochs), and create"
              + " the job again");
    }
    String attempts =
        "BackoffLimitExceeded".equals(failed.getReason())
            ? " (after " + (job.getSpec().getBackoffLimit() + 1) + " attempts)"
            : "";
    for (int i = pods.size() - 1; i >= 0; i--) {
      Pod pod = pods.get(i);
      Optional<ContainerStateTerminated> terminated = trainerTermination(pod);
      if (terminated.isPresent() && nonZero(terminated.get())) {
        return fromTermination(terminated.get(), attempts, logHint(job));
      }
      if (pod.getStatus() != null && "Evicted".equals(pod.getStatus().getReason())) {
        return new PhaseDecision(
            Phase.Failed,
            Reasons.TRAINER_CRASHED,
            "the trainer pod was evicted" + attempts + suffix(pod.getStatus().getMessage()));
      }
    }
    String reason =
        "BackoffLimitExceeded".equals(failed.getReason())
            ? Reasons.BACKOFF_LIMIT_EXCEEDED
            : Reasons.JOB_FAILED;
    return new PhaseDecision(
        Phase.Failed,
        reason,
        "the trainer Job failed"
            + suffix(Optional.ofNullable(failed.getMessage()).orElse(failed.getReason()))
            + logHint(job));
  }

  /** Where a failure the trainer could not explain is explained: the end of the message. */
  static String logHint(Job job) {
    return "; the cause is in its log: kubectl logs job/" + job.getMetadata().getName();
  }

  private static PhaseDecision fromTermination(
      ContainerStateTerminated t, String attempts, String logHint) {
    int code = t.getExitCode();
    String detail = suffix(terminationDetail(t.getMessage()));
    if ("OOMKilled".equals(t.getReason())) {
      return new PhaseDecision(
          Phase.Failed,
          Reasons.OOM_KILLED,
          "the trainer was killed for exceeding its memory limit (OOMKilled)"
              + attempts
              + "; raise spec.resources.memory or lower batchSize/maxLength");
    }
    Optional<TrainerExit> known = TrainerExit.of(code).filter(e -> e.reason().isPresent());
    if (known.isPresent()) {
      return new PhaseDecision(
          Phase.Failed,
          known.get().reason().orElseThrow(),
          "the trainer " + known.get().meaning() + " (exit code " + code + ")" + detail);
    }
    return new PhaseDecision(
        Phase.Failed,
        Reasons.TRAINER_CRASHED,
        "the trainer exited with code " + code + attempts + detail + logHint);
  }

  /**
   * The trainer writes a result JSON ({@code error} on failure); without one, Kubernetes keeps the
   * log tail (FallbackToLogsOnError). Either way, keep a bounded, single-line excerpt.
   */
  static String terminationDetail(String message) {
    if (message == null || message.isBlank()) {
      return null;
    }
    String text = message.strip();
    if (text.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(text);
        if (node.hasNonNull("error")) {
          text = node.get("error").asText();
        }
      } catch (Exception notJson) {
        // a log tail that happens to start with '{': keep the text as it is
      }
    }
    String[] lines = text.split("\\R");
    String last = lines[lines.length - 1].strip();
    for (int i = lines.length - 1; i >= 0 && last.isEmpty(); i--) {
      last = lines[i].strip();
    }
    return last.length() <= MAX_MESSAGE ? last : last.substring(0, MAX_MESSAGE - 3) + "...";
  }

  static Optional<ContainerStateTerminated> trainerTermination(Pod pod) {
    return termination(pod, TrainerJobDependentResource.CONTAINER);
  }

  /** How the container {@code container} of {@code pod} ended, if it has. */
  static Optional<ContainerStateTerminated> termination(Pod pod, String container) {
    return containerStatuses(pod).stream()
        .filter(s -> container.equals(s.getName()))
        .map(s -> s.getState() == null ? null : s.getState().getTerminated())
        .filter(t -> t != null)
        .findFirst();
  }

  private static boolean nonZero(ContainerStateTerminated t) {
    return t.getExitCode() != null && t.getExitCode() != 0;
  }

  private static List<ContainerStatus> containerStatuses(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
        ? List.of()
        : pod.getStatus().getContainerStatuses();
  }

  private static boolean isFailed(Pod pod) {
    return pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase());
  }

  private static boolean isFinished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static boolean hasCondition(Job job, String type) {
    return condition(job, type).isPresent();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static String suffix(String detail) {
    if (detail == null || detail.isBlank()) {
      return "";
    }
    String line = detail.strip().replaceAll("\\s+", " ");
    return ": "
        + (line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE - 3) + "...");
  }
}
