/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.ResourcesSpec;
import dev.finetune.api.v1alpha1.RunPolicy;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The trainer {@code batch/v1 Job}. Created once and never rewritten: the only field the operator
 * ever changes on a started Job is {@code spec.suspend}, which Kubernetes allows and which is how
 * {@code runPolicy.suspend} stops and resumes a run. Any other spec change is reported, not applied
 * (see {@link AppliedSpec}).
 */
public class TrainerJobDependentResource extends FineTuneJobChildResource<Job>
    implements Creator<Job, FineTuneJob>, Updater<Job, FineTuneJob> {

  public static final String CONTAINER = "trainer";
  public static final String PREPARE_CONTAINER = "prepare";

  /**
   * What a Job of this FineTuneJob does: the prepare step on a CPU node (no GPU, no placement of
   * the trainer's, no progress port), then the trainer with everything the spec asks for.
   */
  public enum Role {
    PREPARE("prepare", PREPARE_CONTAINER),
    TRAIN("trainer", CONTAINER);

    private final String component;
    private final String container;

    Role(String component, String container) {
      this.component = component;
      this.container = container;
    }

    public String component() {
      return component;
    }

    public String container() {
      return container;
    }
  }

  public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  public static final String PORT_NAME = "progress";
  public static final long RUN_AS_USER = 1000;

  private final OperatorConfig config;

  public TrainerJobDependentResource(OperatorConfig config) {
    super(Job.class);
    this.config = config;
  }

  @Override
  String childName(FineTuneJob job) {
    return ChildNames.trainerJob(job);
  }

  @Override
  protected Job desired(FineTuneJob job, Context<FineTuneJob> context) {
    return desired(job, config);
  }

  /** Matches as long as suspension is as wanted: nothing else of a started Job is managed. */
  @Override
  protected InformerEventSourceConfiguration.Builder<Job> informerConfigurationBuilder(
      EventSourceContext<FineTuneJob> context) {
    // Trainer Jobs only: the prepare Jobs have their own informer (and trainer Jobs have carried
    // this label since the first release).
    return super.informerConfigurationBuilder(context)
        .withLabelSelector(
            ChildLabels.SELECTOR + "," + ChildLabels.COMPONENT + "=" + Role.TRAIN.component());
  }

  @Override
  ItemStore<Job> cache() {
    return PrunedItemStore.jobs();
  }

  @Override
  public Matcher.Result<Job> match(Job actual, FineTuneJob job, Context<FineTuneJob> context) {
    boolean actualSuspend = Boolean.TRUE.equals(actual.getSpec().getSuspend());
    boolean matched = wantedSuspend(job).map(want -> want == actualSuspend).orElse(true);
    return Matcher.Result.nonComputed(matched);
  }

  @Override
  public Job update(Job actual, Job desired, FineTuneJob job, Context<FineTuneJob> context) {
    Job updated = withSuspend(actual, wantedSuspend(job).orElse(false), context);
    onUpdated(job, updated, actual, context);
    return updated;
  }

  /** Sets {@code spec.suspend} of a started Job: the one field the operator changes on it. */
  static Job withSuspend(Job actual, boolean suspend, Context<FineTuneJob> context) {
    return context
        .getClient()
        .batch()
        .v1()
        .jobs()
        .resource(actual)
        .edit(j -> new JobBuilder(j).editSpec().withSuspend(suspend).endSpec().build());
  }

  /**
   * The suspension the operator enforces: true when the user suspends; false when not; nothing for
   * a queued job the user has not suspended, since then Kueue decides when it runs.
   */
  static Optional<Boolean> wantedSuspend(FineTuneJob job) {
    if (SpecDefaults.suspend(job.getSpec())) {
      return Optional.of(true);
    }
    return queueName(job).isPresent() ? Optional.empty() : Optional.of(false);
  }

  /** The Kueue queue: spec.queueName, else the queue label on the FineTuneJob. */
  public static Optional<String> queueName(FineTuneJob job) {
    return Optional.ofNullable(job.getSpec().getQueueName())
        .or(
            () ->
                Optional.ofNullable(job.getMetadata().getLabels())
                    .map(labels -> labels.get(ChildLabels.KUEUE_QUEUE)));
  }

  /** Pure: the trainer Job for {@code job}. */
  public static Job desired(FineTuneJob job, OperatorConfig config) {
    return desired(job, config, Role.TRAIN);
  }

  /**
   * Pure: the Job of {@code role}. The prepare Job takes no Kueue queue (it holds no GPU, and the
   * quota Kueue guards is the trainer's) and is suspended only when the user suspends.
   */
  static Job desired(FineTuneJob job, OperatorConfig config, Role role) {
    FineTuneJobSpec spec = job.getSpec();
    RunPolicy runPolicy = Optional.ofNullable(spec.getRunPolicy()).orElseGet(RunPolicy::new);
    Map<String, String> labels = ChildLabels.forChild(job, role.component());
    boolean train = role == Role.TRAIN;
    if (train) {
      queueName(job).ifPresent(queue -> labels.put(ChildLabels.KUEUE_QUEUE, queue));
    }
    Map<String, String> podLabels =
        new LinkedHashMap<>(ChildLabels.forChild(job, role.component()));

    return new JobBuilder()
        .withNewMetadata()
        .withName(train ? ChildNames.trainerJob(job) : ChildNames.prepareJob(job))
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(AppliedSpec.ANNOTATION, AppliedSpec.of(job))
        .withOwnerReferences(controllerReference(job))
        .endMetadata()
        .withNewSpec()
        .withCompletions(1)
        .withParallelism(1)
        .withBackoffLimit(SpecDefaults.backoffLimit(spec))
        .withActiveDeadlineSeconds(runPolicy.getActiveDeadlineSeconds())
        .withTtlSecondsAfterFinished(runPolicy.getTtlSecondsAfterFinished())
        // Queued jobs start suspended; Kueue un-suspends them on admission.
        .withSuspend(SpecDefaults.suspend(spec) || (train && queueName(job).isPresent()))
        .withPodFailurePolicy(podFailurePolicy(role.container()))
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withSpec(podSpec(job, config, role))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Configuration and data errors and a full volume fail the Job at once (a retry cannot fix them);
   * an eviction or preemption (DisruptionTarget) is retried without counting against backoffLimit;
   * any other failure, such as a crash or OOM kill, counts.
   */
  static PodFailurePolicy podFailurePolicy() {
    return podFailurePolicy(CONTAINER);
  }

  static PodFailurePolicy podFailurePolicy(String container) {
    return new PodFailurePolicyBuilder()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(container)
        .withOperator("In")
        .withValues(
            TrainerExitCodes.DATA_ERROR,
            TrainerExitCodes.CONFIG_ERROR,
            TrainerExitCodes.STORAGE_FULL)
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

  private static PodSpec podSpec(FineTuneJob job, OperatorConfig config, Role role) {
    FineTuneJobSpec spec = job.getSpec();
    ResourcesSpec resources =
        Optional.ofNullable(spec.getResources()).orElseGet(ResourcesSpec::new);
    TrainerVolumes volumes = TrainerVolumes.plan(job);
    boolean train = role == Role.TRAIN;
    // The trainer's placement (GPU nodes, their taints) is not the prepare pod's: any CPU node.
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(train ? config.trainerGracePeriod().toSeconds() : 30L)
        .withNodeSelector(train ? resources.getNodeSelector() : null)
        .withTolerations(train ? resources.getTolerations() : null)
        .withAffinity(train ? resources.getAffinity() : null)
        .withPriorityClassName(resources.getPriorityClassName())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS_USER)
        .withRunAsGroup(RUN_AS_USER)
        .withFsGroup(RUN_AS_USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container(job, config, resources, volumes, role))
        .withVolumes(volumes(job, volumes))
        .build();
  }

  /**
   * glibc malloc settings for the trainer: one arena, and freed memory kept for reuse instead of
   * returned to the system. PyTorch allocates every intermediate tensor anew; with glibc's defaults
   * in a multi-threaded JVM those allocations are fresh pages, and the page faults cost more than
   * the arithmetic (GPT-2 124M on 2 CPU cores: 3.9 s per training step with the defaults, 2.0 s
   * with these; trainer-image/bench).
   */
  public static final List<EnvVar> ALLOCATOR_ENV =
      List.of(
          new EnvVar("MALLOC_ARENA_MAX", "1", null),
          new EnvVar("MALLOC_MMAP_THRESHOLD_", "4294967296", null),
          new EnvVar("MALLOC_TRIM_THRESHOLD_", "4294967296", null));

  private static Container container(
      FineTuneJob job,
      OperatorConfig config,
      ResourcesSpec resources,
      TrainerVolumes volumes,
      Role role) {
    boolean train = role == Role.TRAIN;
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(role.container())
            .withImage(Objects.requireNonNullElse(job.getSpec().getImage(), config.trainerImage()))
            .withImagePullPolicy(config.imagePullPolicy())
            .withArgs(
                train ? "train" : "prepare",
                "--config",
                TrainerVolumes.CONFIG_DIR + "/" + TrainerVolumes.CONFIG_FILE);
    if (train) {
      container
          .addNewPort()
          .withName(PORT_NAME)
          .withContainerPort(config.trainerPort())
          .withProtocol("TCP")
          .endPort()
          .withNewReadinessProbe()
          .withNewHttpGet()
          .withPath("/healthz")
          .withNewPort(PORT_NAME)
          .endHttpGet()
          .withPeriodSeconds(10)
          .endReadinessProbe();
    }
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
        .withResources(
            train
                ? resourceRequirements(job, config, resources)
                : new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity(config.prepareCpu()))
                    .addToRequests("memory", new Quantity(config.prepareMemory()))
                    .addToLimits("cpu", new Quantity(config.prepareCpu()))
                    .addToLimits("memory", new Quantity(config.prepareMemory()))
                    .build())
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
        .withVolumeMounts(mounts(job, volumes))
        .build();
  }

  private static ResourceRequirements resourceRequirements(
      FineTuneJob job, OperatorConfig config, ResourcesSpec resources) {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    Map<String, Quantity> requests = new LinkedHashMap<>();
    int gpus = SpecDefaults.gpus(job.getSpec());
    if (gpus > 0) {
      limits.put(
          SpecDefaults.gpuResourceName(job.getSpec(), config.gpuResourceName()),
          new Quantity(Integer.toString(gpus)));
    }
    if (resources.getCpu() != null) {
      requests.put("cpu", new Quantity(resources.getCpu()));
      limits.put("cpu", new Quantity(resources.getCpu()));
    }
    if (resources.getMemory() != null) {
      requests.put("memory", new Quantity(resources.getMemory()));
      limits.put("memory", new Quantity(resources.getMemory()));
    }
    return new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build();
  }

  private static List<VolumeMount> mounts(FineTuneJob job, TrainerVolumes volumes) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("config", TrainerVolumes.CONFIG_DIR, true));
    mounts.add(mount("workspace", TrainerVolumes.WORKSPACE, false));
    mounts.add(mount("tmp", "/tmp", false));
    for (TrainerVolumes.ClaimMount claim : volumes.claimMounts()) {
      mounts.add(mount(claim.volumeName(), claim.mountPath(), claim.readOnly()));
    }
    if (job.getSpec().getModel().getTokenSecretRef() != null) {
      mounts.add(mount("hub-token", TrainerVolumes.TOKEN_DIR, true));
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

  private static List<Volume> volumes(FineTuneJob job, TrainerVolumes volumes) {
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
    var token = job.getSpec().getModel().getTokenSecretRef();
    if (token != null) {
      list.add(
          new VolumeBuilder()
              .withName("hub-token")
              .withNewSecret()
              .withSecretName(token.getName())
              .addNewItem()
              .withKey(token.getKey())
              .withPath(TrainerVolumes.TOKEN_FILE)
              .endItem()
              .withDefaultMode(0440)
              .endSecret()
              .build());
    }
    return list;
  }
}
