/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.RunPolicy;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure: the one Job template every step runs in, given the step's {@link StepProfile}. Every pod is
 * hardened the same way (non-root, read-only root filesystem, no capabilities, seccomp
 * RuntimeDefault) and gets no API credentials (no service account token, no service links).
 */
public final class StepJob {
  public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  public static final long RUN_AS_USER = 1000;

  /**
   * glibc malloc settings for the trainer image: one arena, and freed memory kept for reuse instead
   * of returned to the system. PyTorch allocates every intermediate tensor anew; with glibc's
   * defaults in a multi-threaded JVM those allocations are fresh pages, and the page faults cost
   * more than the arithmetic (GPT-2 124M on 2 CPU cores: 3.9 s per training step with the defaults,
   * 2.0 s with these; trainer-image/bench). And PyTorch's own switch for its CPU tensors of 2 MB
   * and more: aligned to 2 MB and advised as transparent huge pages. Without it glibc does not
   * reuse a freed large block for libtorch's next aligned request of the same size (the heap grows
   * and every such tensor is faulted in anew: a zeroed [2048, 32000] float32 tensor took 400 ms
   * each time, 10–15 ms reused with it).
   */
  public static final List<EnvVar> ALLOCATOR_ENV =
      List.of(
          new EnvVar("MALLOC_ARENA_MAX", "1", null),
          new EnvVar("MALLOC_MMAP_THRESHOLD_", "4294967296", null),
          new EnvVar("MALLOC_TRIM_THRESHOLD_", "4294967296", null),
          new EnvVar("THP_MEM_ALLOC_ENABLE", "1", null));

  private StepJob() {}

  /** The Job of {@code step} for {@code job}. */
  public static Job desired(FineTuneJob job, OperatorConfig config, StepProfile step) {
    FineTuneJobSpec spec = job.getSpec();
    RunPolicy runPolicy = Optional.ofNullable(spec.getRunPolicy()).orElseGet(RunPolicy::new);
    Map<String, String> labels = ChildLabels.forChild(job, step.component());
    step.queue().ifPresent(queue -> labels.put(ChildLabels.KUEUE_QUEUE, queue));
    return new JobBuilder()
        .withNewMetadata()
        .withName(step.jobName())
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(AppliedSpec.ANNOTATION, AppliedSpec.of(job))
        .withOwnerReferences(FineTuneJobChildResource.controllerReference(job))
        .endMetadata()
        .withNewSpec()
        .withCompletions(1)
        .withParallelism(1)
        .withBackoffLimit(SpecDefaults.backoffLimit(spec))
        .withActiveDeadlineSeconds(runPolicy.getActiveDeadlineSeconds())
        .withTtlSecondsAfterFinished(runPolicy.getTtlSecondsAfterFinished())
        // Queued jobs start suspended; Kueue un-suspends them on admission.
        .withSuspend(SpecDefaults.suspend(spec) || step.queue().isPresent())
        .withPodFailurePolicy(podFailurePolicy(step))
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(ChildLabels.forChild(job, step.component()))
        .endMetadata()
        .withSpec(podSpec(job, config, step))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The suspension the operator enforces on a started Job: true when the user suspends; false when
   * not; nothing for a queued step the user has not suspended, since then Kueue decides when it
   * runs.
   */
  public static Optional<Boolean> wantedSuspend(FineTuneJob job, StepProfile step) {
    if (SpecDefaults.suspend(job.getSpec())) {
      return Optional.of(true);
    }
    return step.queue().isPresent() ? Optional.empty() : Optional.of(false);
  }

  /**
   * The step's permanent exit codes fail the Job at once (a retry cannot fix them); an eviction or
   * preemption (DisruptionTarget) is retried without counting against backoffLimit; any other
   * failure, such as a crash or OOM kill, counts.
   */
  private static PodFailurePolicy podFailurePolicy(StepProfile step) {
    return new PodFailurePolicyBuilder()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(step.container())
        .withOperator("In")
        .withValues(step.permanentExitCodes())
        .endOnExitCodes()
        .endRule()
        .addNewRule()
        .withAction("Ignore")
        .addNewOnPodCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .endOnPodCondition()
        .endRule()
        .build();
  }

  private static PodSpec podSpec(FineTuneJob job, OperatorConfig config, StepProfile step) {
    TrainerVolumes volumes = TrainerVolumes.plan(job);
    String priorityClass =
        job.getSpec().getResources() == null
            ? null
            : job.getSpec().getResources().getPriorityClassName();
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(step.gracePeriodSeconds())
        .withNodeSelector(step.placement().nodeSelector())
        .withTolerations(step.placement().tolerations())
        .withAffinity(step.placement().affinity())
        .withPriorityClassName(priorityClass)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS_USER)
        .withRunAsGroup(RUN_AS_USER)
        .withFsGroup(RUN_AS_USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container(job, config, volumes, step))
        .withVolumes(volumes(job, volumes, step))
        .build();
  }

  private static Container container(
      FineTuneJob job, OperatorConfig config, TrainerVolumes volumes, StepProfile step) {
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(step.container())
            .withImage(Objects.requireNonNullElse(job.getSpec().getImage(), config.trainerImage()))
            .withImagePullPolicy(config.imagePullPolicy())
            .withArgs(args(step));
    step.progressPort()
        .ifPresent(
            port ->
                container
                    .addNewPort()
                    .withName(TrainerJobDependentResource.PORT_NAME)
                    .withContainerPort(port)
                    .withProtocol("TCP")
                    .endPort()
                    .withNewReadinessProbe()
                    .withNewHttpGet()
                    .withPath("/healthz")
                    .withNewPort(TrainerJobDependentResource.PORT_NAME)
                    .endHttpGet()
                    .withPeriodSeconds(10)
                    .endReadinessProbe());
    return container
        .addNewEnv()
        .withName("HF_HOME")
        .withValue(volumes.cacheDir())
        .endEnv()
        .addNewEnv()
        .withName("HOME")
        .withValue("/tmp")
        .endEnv()
        .addAllToEnv(ALLOCATOR_ENV)
        .addAllToEnv(step.env())
        .withResources(step.resources())
        .withTerminationMessagePath(TERMINATION_MESSAGE_PATH)
        // A crash without a result file still leaves the log tail as its message.
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withVolumeMounts(mounts(volumes, step))
        .build();
  }

  private static List<String> args(StepProfile step) {
    List<String> args = new ArrayList<>();
    args.add(step.command());
    args.addAll(step.args());
    return args;
  }

  private static List<VolumeMount> mounts(TrainerVolumes volumes, StepProfile step) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("config", TrainerVolumes.CONFIG_DIR, true));
    mounts.add(mount("workspace", TrainerVolumes.WORKSPACE, false));
    mounts.add(mount("tmp", "/tmp", false));
    for (TrainerVolumes.ClaimMount claim : volumes.claimMounts()) {
      mounts.add(mount(claim.volumeName(), claim.mountPath(), claim.readOnly()));
    }
    for (StepProfile.SecretMount secret : step.secrets()) {
      mounts.add(mount(secret.volume(), secret.dir(), true));
    }
    return mounts;
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }

  private static List<Volume> volumes(FineTuneJob job, TrainerVolumes volumes, StepProfile step) {
    List<Volume> list = new ArrayList<>();
    list.add(
        new VolumeBuilder()
            .withName("config")
            .withNewConfigMap()
            .withName(ChildNames.trainerConfigMap(job))
            .endConfigMap()
            .build());
    list.add(
        new VolumeBuilder()
            .withName("workspace")
            .withNewPersistentVolumeClaim()
            .withClaimName(volumes.workspaceClaim())
            .endPersistentVolumeClaim()
            .build());
    list.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    for (TrainerVolumes.ClaimMount claim : volumes.claimMounts()) {
      list.add(
          new VolumeBuilder()
              .withName(claim.volumeName())
              .withNewPersistentVolumeClaim()
              .withClaimName(claim.claim())
              .withReadOnly(claim.readOnly())
              .endPersistentVolumeClaim()
              .build());
    }
    for (StepProfile.SecretMount secret : step.secrets()) {
      SecretVolumeSourceBuilder source =
          new SecretVolumeSourceBuilder()
              .withSecretName(secret.secret())
              .withDefaultMode(0440)
              .withOptional(secret.optional() ? Boolean.TRUE : null);
      if (secret.key() != null) {
        source.addNewItem().withKey(secret.key()).withPath(secret.file()).endItem();
      }
      list.add(new VolumeBuilder().withName(secret.volume()).withSecret(source.build()).build());
    }
    return list;
  }
}
