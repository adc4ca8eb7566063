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
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

/** The prepare Job: the trainer's image, volumes and hardening, none of its GPU or placement. */
class PrepareJobDependentResourceTest {
  private static final FineTuneJob GPU_JOB =
      TestJobs.minimalWith(
          """
          queueName: team-a-gpus
          resources:
            gpus: 4
            cpu: "32"
            memory: 256Gi
            nodeSelector: {accelerator: h100}
            tolerations:
            - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
            priorityClassName: batch-high
          """);

  @Test
  void runsThePrepareCommandWithoutTheTrainersGpuPlacementOrQueue() {
    Job job = PrepareJobDependentResource.desired(GPU_JOB, OperatorConfig.defaults());
    assertThat(job.getMetadata().getName()).isEqualTo("demo-prepare");
    assertThat(job.getMetadata().getLabels())
        .containsEntry(ChildLabels.COMPONENT, "prepare")
        .doesNotContainKey(ChildLabels.KUEUE_QUEUE);
    assertThat(job.getSpec().getSuspend()).as("not held for Kueue").isFalse();
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).isNullOrEmpty();
    assertThat(pod.getTolerations()).isNullOrEmpty();
    assertThat(pod.getPriorityClassName()).isEqualTo("batch-high");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    Container c = pod.getContainers().get(0);
    assertThat(c.getName()).isEqualTo("prepare");
    assertThat(c.getArgs())
        .containsExactly("prepare", "--config", "/etc/finetune/trainer-config.json");
    assertThat(c.getResources().getLimits())
        .containsEntry("cpu", new Quantity(OperatorConfig.DEFAULT_PREPARE_CPU))
        .containsEntry("memory", new Quantity(OperatorConfig.DEFAULT_PREPARE_MEMORY))
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(c.getPorts()).isNullOrEmpty();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .contains("/etc/finetune", "/workspace", "/mnt/pvc/datasets");
  }

  @Test
  void badDataConfigurationAndStorageFailItAtOnce() {
    Job job = PrepareJobDependentResource.desired(GPU_JOB, OperatorConfig.defaults());
    var failJob = job.getSpec().getPodFailurePolicy().getRules().get(0);
    assertThat(failJob.getAction()).isEqualTo("FailJob");
    assertThat(failJob.getOnExitCodes().getContainerName()).isEqualTo("prepare");
    assertThat(failJob.getOnExitCodes().getValues())
        .containsExactlyInAnyOrder(
            TrainerExitCodes.DATA_ERROR,
            TrainerExitCodes.CONFIG_ERROR,
            TrainerExitCodes.GPU_UNAVAILABLE,
            TrainerExitCodes.INSUFFICIENT_GPU_MEMORY,
            TrainerExitCodes.GPU_OUT_OF_MEMORY,
            TrainerExitCodes.STORAGE_FULL,
            TrainerExitCodes.OUT_OF_MEMORY,
            TrainerExitCodes.PUBLISH_FAILED);
  }

  @Test
  void theTrainerJobKeepsItsGpusPlacementAndQueue() {
    Job trainer = TrainerJobDependentResource.desired(GPU_JOB, OperatorConfig.defaults());
    assertThat(trainer.getMetadata().getLabels())
        .containsEntry(ChildLabels.KUEUE_QUEUE, "team-a-gpus");
    PodSpec pod = trainer.getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).containsEntry("accelerator", "h100");
    assertThat(pod.getContainers().get(0).getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("4"));
  }

  /**
   * An oci:// source from a private, plain-HTTP registry: the pods that pull (prepare, trainer) get
   * the pull Secret as a file and its path in REGISTRY_AUTH_FILE, and the registry in
   * FINETUNE_INSECURE_REGISTRIES; the publish pod gets neither.
   */
  @Test
  void thePodsThatPullAnOciModelGetItsCredentialsFileAndItsRegistry() {
    FineTuneJob job =
        TestJobs.fromYaml(
            TestJobs.MINIMAL.replace(
                    "model: {source: hf://openai-community/gpt2}",
                    "model: {source: oci://registry.ml:5000/models/bot:v3, insecure: true,"
                        + " credentialsSecretRef: {name: pull}}")
                + "  output: {publish: {to: oci://registry.ml:5000/models/bot}}\n");
    OperatorConfig config = OperatorConfig.defaults();
    for (Job pulling :
        java.util.List.of(
            PrepareJobDependentResource.desired(job, config),
            TrainerJobDependentResource.desired(job, config))) {
      PodSpec pod = pulling.getSpec().getTemplate().getSpec();
      assertThat(pod.getVolumes())
          .filteredOn(v -> v.getSecret() != null)
          .singleElement()
          .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("pull"));
      Container c = pod.getContainers().get(0);
      assertThat(c.getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("REGISTRY_AUTH_FILE");
                assertThat(e.getValue())
                    .isEqualTo("/var/run/secrets/finetune/model-registry/.dockerconfigjson");
              })
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("FINETUNE_INSECURE_REGISTRIES");
                assertThat(e.getValue()).isEqualTo("registry.ml:5000");
              });
    }
    Container publish =
        PublishJobDependentResource.desired(job, config)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(publish.getEnv())
        .noneMatch(e -> e.getName().equals("REGISTRY_AUTH_FILE"))
        .noneMatch(e -> e.getName().equals("FINETUNE_INSECURE_REGISTRIES"));
  }
}
