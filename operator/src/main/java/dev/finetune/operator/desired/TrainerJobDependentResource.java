/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.ResourcesSpec;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer step's Job: the {@code train} command with everything the spec asks for — GPUs, CPU
 * and memory, placement, the Kueue queue — and the progress endpoint the operator polls.
 */
public class TrainerJobDependentResource extends StepJobDependentResource {
  public static final String COMPONENT = "trainer";
  public static final String CONTAINER = "trainer";
  public static final String PORT_NAME = "progress";

  public TrainerJobDependentResource(OperatorConfig config) {
    super(COMPONENT, config);
  }

  @Override
  public StepProfile profile(FineTuneJob job) {
    return trainer(job, config());
  }

  /** Pure: the trainer Job for {@code job}. */
  public static Job desired(FineTuneJob job, OperatorConfig config) {
    return StepJob.desired(job, config, trainer(job, config));
  }

  static StepProfile trainer(FineTuneJob job, OperatorConfig config) {
    ResourcesSpec resources =
        Optional.ofNullable(job.getSpec().getResources()).orElseGet(ResourcesSpec::new);
    return new StepProfile(
        COMPONENT,
        ChildNames.trainerJob(job),
        CONTAINER,
        "train",
        StepProfile.CONFIG_ARGS,
        resourceRequirements(job, config, resources),
        new StepProfile.Placement(
            resources.getNodeSelector(), resources.getTolerations(), resources.getAffinity()),
        queueName(job),
        config.trainerGracePeriod().toSeconds(),
        Optional.of(config.trainerPort()),
        TrainerExit.permanentCodes(),
        PrepareJobDependentResource.pullSecrets(job),
        TrainerVolumes.plan(job).modelRegistry().env());
  }

  /** The Kueue queue: spec.queueName, else the queue label on the FineTuneJob. */
  public static Optional<String> queueName(FineTuneJob job) {
    return Optional.ofNullable(job.getSpec().getQueueName())
        .or(
            () ->
                Optional.ofNullable(job.getMetadata().getLabels())
                    .map(labels -> labels.get(ChildLabels.KUEUE_QUEUE)));
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
}
