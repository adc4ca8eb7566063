/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The prepare step's Job: the trainer image's {@code prepare} command on a CPU node, run before any
 * GPU is requested. It stages and pins the model and data on the workspace, checks every line, the
 * model and the storage, and reports counts in its termination message. It takes the operator's CPU
 * and memory, none of the trainer's placement, and no Kueue queue (it holds no GPU, and the quota
 * Kueue guards is the trainer's), so it is suspended only when the user suspends.
 */
public class PrepareJobDependentResource extends StepJobDependentResource {
  public static final String COMPONENT = "prepare";
  public static final String CONTAINER = "prepare";

  public PrepareJobDependentResource(OperatorConfig config) {
    super(COMPONENT, config);
  }

  @Override
  public StepProfile profile(FineTuneJob job) {
    return prepare(job, config());
  }

  /** Pure: the prepare Job for {@code job}. */
  public static Job desired(FineTuneJob job, OperatorConfig config) {
    return StepJob.desired(job, config, prepare(job, config));
  }

  static StepProfile prepare(FineTuneJob job, OperatorConfig config) {
    return new StepProfile(
        COMPONENT,
        ChildNames.prepareJob(job),
        CONTAINER,
        "prepare",
        StepProfile.CONFIG_ARGS,
        cpuStepResources(config),
        StepProfile.Placement.ANY_NODE,
        Optional.empty(),
        30L,
        Optional.empty(),
        TrainerExit.permanentCodes(),
        pullSecrets(job),
        TrainerVolumes.plan(job).modelRegistry().env());
  }

  /**
   * The Secrets of a pod that downloads the model (prepare, trainer): the Hub token, or the
   * registry credentials of an {@code oci://} source.
   */
  static List<StepProfile.SecretMount> pullSecrets(FineTuneJob job) {
    TrainerVolumes volumes = TrainerVolumes.plan(job);
    List<StepProfile.SecretMount> secrets = new ArrayList<>(volumes.hubToken());
    secrets.addAll(volumes.modelRegistry().secrets());
    return secrets;
  }

  /** The operator's CPU and memory for a step that needs no GPU (prepare, publish). */
  static ResourceRequirements cpuStepResources(OperatorConfig config) {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(config.prepareCpu()))
        .addToRequests("memory", new Quantity(config.prepareMemory()))
        .addToLimits("cpu", new Quantity(config.prepareCpu()))
        .addToLimits("memory", new Quantity(config.prepareMemory()))
        .build();
  }
}
