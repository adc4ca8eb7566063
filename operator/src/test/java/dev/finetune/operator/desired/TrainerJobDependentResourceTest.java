/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrainerJobDependentResourceTest {
  private final OperatorConfig config = OperatorConfig.defaults();

  @Test
  void minimalJobGetsDefaultsAndTheSecurityBaseline() {
    FineTuneJob ftj = TestJobs.minimal();
    Job job = TrainerJobDependentResource.desired(ftj, config);

    assertThat(job.getMetadata().getName()).isEqualTo("demo-trainer");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "finetune-operator")
        .containsEntry("app.kubernetes.io/instance", "demo")
        .containsEntry("app.kubernetes.io/component", "trainer")
        .containsEntry("finetune.dev/job-name", "demo")
        .doesNotContainKey("kueue.x-k8s.io/queue-name");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getKind()).isEqualTo("FineTuneJob");
              assertThat(ref.getApiVersion()).isEqualTo("finetune.dev/v1alpha1");
              assertThat(ref.getUid()).isEqualTo(ftj.getMetadata().getUid());
              assertThat(ref.getController()).isTrue();
              assertThat(ref.getBlockOwnerDeletion()).isTrue();
            });
    assertThat(job.getMetadata().getAnnotations()).containsKey(AppliedSpec.ANNOTATION);

    var spec = job.getSpec();
    assertThat(spec.getBackoffLimit()).isEqualTo(SpecDefaults.BACKOFF_LIMIT);
    assertThat(spec.getSuspend()).isFalse();
    assertThat(spec.getCompletions()).isEqualTo(1);
    assertThat(spec.getActiveDeadlineSeconds()).isNull();
    assertThat(spec.getTtlSecondsAfterFinished()).isNull();

    PodSpec pod = spec.getTemplate().getSpec();
    assertThat(spec.getTemplate().getMetadata().getLabels())
        .containsEntry("finetune.dev/job-name", "demo");
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(120L);

    Container trainer = pod.getContainers().get(0);
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(trainer.getName()).isEqualTo("trainer");
    assertThat(trainer.getImage()).isEqualTo(config.trainerImage());
    assertThat(trainer.getArgs())
        .containsExactly("train", "--config", "/etc/finetune/trainer-config.json");
    assertThat(trainer.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(trainer.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(trainer.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(trainer.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
    assertThat(trainer.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(trainer.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getContainerPort()).isEqualTo(8000);
              assertThat(p.getName()).isEqualTo("progress");
            });
    // One GPU by default, no CPU/memory unless asked.
    assertThat(trainer.getResources().getLimits())
        .containsOnly(Map.entry("nvidia.com/gpu", new Quantity("1")));
    assertThat(trainer.getResources().getRequests()).isEmpty();

    assertThat(mounts(trainer))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "config", "/etc/finetune:ro",
                "workspace", "/workspace:rw",
                "tmp", "/tmp:rw",
                "claim-0", "/mnt/pvc/datasets:ro"));
    Map<String, Volume> volumes =
        pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo("demo-trainer-config");
    assertThat(volumes.get("workspace").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("demo-workspace");
    assertThat(volumes.get("tmp").getEmptyDir()).isNotNull();
    assertThat(volumes.get("claim-0").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("datasets");
    assertThat(volumes.get("claim-0").getPersistentVolumeClaim().getReadOnly()).isTrue();
  }

  @Test
  void podFailurePolicyFailsFastOnConfigAndDataErrorsAndIgnoresDisruptions() {
    var policy =
        TrainerJobDependentResource.desired(TestJobs.minimal(), config)
            .getSpec()
            .getPodFailurePolicy();
    assertThat(policy.getRules()).hasSize(2);
    var failJob = policy.getRules().get(0);
    assertThat(failJob.getAction()).isEqualTo("FailJob");
    assertThat(failJob.getOnExitCodes().getContainerName()).isEqualTo("trainer");
    assertThat(failJob.getOnExitCodes().getOperator()).isEqualTo("In");
    assertThat(failJob.getOnExitCodes().getValues())
        .containsExactlyInAnyOrder(
            TrainerExitCodes.CONFIG_ERROR,
            TrainerExitCodes.DATA_ERROR,
            TrainerExitCodes.GPU_UNAVAILABLE,
            TrainerExitCodes.INSUFFICIENT_GPU_MEMORY,
            TrainerExitCodes.GPU_OUT_OF_MEMORY,
            TrainerExitCodes.STORAGE_FULL,
            TrainerExitCodes.OUT_OF_MEMORY,
            TrainerExitCodes.PUBLISH_FAILED);
    var ignore = policy.getRules().get(1);
    assertThat(ignore.getAction()).isEqualTo("Ignore");
    assertThat(ignore.getOnPodConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
  }

  @Test
  void fullExampleCarriesSchedulingResourcesAndRunPolicy() {
    FineTuneJob ftj = TestJobs.fromFile(Path.of("../deploy/examples/full-finetune-pvc.yaml"));
    ftj.getMetadata().setNamespace("ml");
    ftj.getMetadata().setUid("uid-1");
    Job job = TrainerJobDependentResource.desired(ftj, config);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container trainer = pod.getContainers().get(0);

    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(5);
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
    assertThat(pod.getPriorityClassName()).isEqualTo("batch-high");
    assertThat(trainer.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"))
        .containsEntry("cpu", new Quantity("32"))
        .containsEntry("memory", new Quantity("256Gi"));
    assertThat(trainer.getResources().getRequests())
        .containsEntry("cpu", new Quantity("32"))
        .containsEntry("memory", new Quantity("256Gi"))
        .doesNotContainKey("nvidia.com/gpu");
    // The existing claim is the workspace; inputs from other claims are mounted read-only.
    Map<String, Volume> volumes =
        pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("workspace").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("finetune-workspace");
    assertThat(mounts(trainer))
        .containsEntry("claim-0", "/mnt/pvc/base-models:ro")
        .containsEntry("claim-1", "/mnt/pvc/datasets:ro");
  }

  @Test
  void loraExampleMountsTheTokenAndTheOutputClaimReadWrite() {
    FineTuneJob ftj = TestJobs.fromFile(Path.of("../deploy/examples/lora-hub-model.yaml"));
    ftj.getMetadata().setNamespace("ml");
    Job job = TrainerJobDependentResource.desired(ftj, config);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container trainer = pod.getContainers().get(0);

    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(86400L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(604800);
    assertThat(pod.getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(mounts(trainer))
        .containsEntry("claim-0", "/mnt/pvc/models:rw")
        .containsEntry("claim-1", "/mnt/pvc/datasets:ro")
        .containsEntry("hub-token", "/var/run/secrets/finetune/hub-token:ro");
    Volume token =
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals("hub-token"))
            .findFirst()
            .orElseThrow();
    assertThat(token.getSecret().getSecretName()).isEqualTo("hf-token");
    assertThat(token.getSecret().getItems())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getKey()).isEqualTo("token");
              assertThat(i.getPath()).isEqualTo("token");
            });
    // The token reaches the pod only as a file: never as an environment variable.
    assertThat(trainer.getEnv()).noneMatch(e -> e.getValueFrom() != null);
    assertThat(trainer.getEnv())
        .as("the allocator settings the trainer is benchmarked with")
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains(
            "MALLOC_ARENA_MAX=1",
            "MALLOC_MMAP_THRESHOLD_=4294967296",
            "MALLOC_TRIM_THRESHOLD_=4294967296",
            "THP_MEM_ALLOC_ENABLE=1");
  }

  @Test
  void kueueLabelIsPassedThroughAndTheJobStartsSuspended() {
    FineTuneJob ftj = TestJobs.fromFile(Path.of("../deploy/examples/kueue-queued.yaml"));
    Job job = TrainerJobDependentResource.desired(ftj, config);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "gpu-team-a");
    assertThat(job.getSpec().getSuspend()).isTrue();
    assertThat(StepJob.wantedSuspend(ftj, TrainerJobDependentResource.trainer(ftj, config)))
        .as("Kueue decides")
        .isEmpty();

    FineTuneJob byField = TestJobs.minimalWith("queueName: team-b");
    assertThat(TrainerJobDependentResource.desired(byField, config).getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "team-b");
  }

  @Test
  void suspendIsHonouredAndIsTheOnlyManagedField() {
    FineTuneJob ftj = TestJobs.minimalWith("runPolicy: {suspend: true}");
    assertThat(TrainerJobDependentResource.desired(ftj, config).getSpec().getSuspend()).isTrue();
    assertThat(StepJob.wantedSuspend(ftj, TrainerJobDependentResource.trainer(ftj, config)))
        .contains(true);
    assertThat(
            StepJob.wantedSuspend(
                TestJobs.minimal(),
                TrainerJobDependentResource.trainer(TestJobs.minimal(), config)))
        .contains(false);
  }

  @Test
  void gpuResourceNameComesFromTheSpecOrTheOperator() {
    OperatorConfig amd =
        new OperatorConfig(
            java.util.Set.of(),
            "img:1",
            "Always",
            "amd.com/gpu",
            9000,
            java.time.Duration.ofSeconds(30),
            java.time.Duration.ofSeconds(15),
            java.time.Duration.ofSeconds(5),
            8080,
            false,
            "lease",
            null,
            java.time.Duration.ofSeconds(15),
            "me",
            "1",
            "4Gi");
    Container c =
        TrainerJobDependentResource.desired(TestJobs.minimal(), amd)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getResources().getLimits()).containsOnlyKeys("amd.com/gpu");
    assertThat(c.getImage()).isEqualTo("img:1");
    assertThat(c.getImagePullPolicy()).isEqualTo("Always");

    FineTuneJob mig =
        TestJobs.minimalWith(
            "resources: {gpus: 2, gpuResourceName: nvidia.com/mig-1g.10gb}\nimage: my/trainer:2");
    Container m =
        TrainerJobDependentResource.desired(mig, amd)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(m.getResources().getLimits())
        .containsOnly(Map.entry("nvidia.com/mig-1g.10gb", new Quantity("2")));
    assertThat(m.getImage()).isEqualTo("my/trainer:2");

    FineTuneJob cpuOnly = TestJobs.minimalWith("resources: {gpus: 0}");
    assertThat(
            TrainerJobDependentResource.desired(cpuOnly, config)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getLimits())
        .isEmpty();
  }

  private static Map<String, String> mounts(Container c) {
    return c.getVolumeMounts().stream()
        .collect(
            Collectors.toMap(
                VolumeMount::getName,
                m -> m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? ":ro" : ":rw")));
  }
}
