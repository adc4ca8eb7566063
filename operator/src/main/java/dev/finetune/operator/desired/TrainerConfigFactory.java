/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.DatasetSpec;
import dev.finetune.api.v1alpha1.EvaluationSpec;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Optional;

/**
 * Builds the trainer's configuration from a FineTuneJob: defaults resolved, paths local. The
 * objective and its DPO settings are written only for dpo, so an sft job's config is the same as
 * before objectives existed (and a trainer that reads no objective trains sft).
 */
public final class TrainerConfigFactory {
  private TrainerConfigFactory() {}

  /**
   * The workspace claim's requested size when the operator creates it (the prepare step checks the
   * checkpoints fit; a volume's filesystem may report more, e.g. a hostPath or local volume), or
   * null for an existing claim.
   */
  static Long workspaceBytes(FineTuneJob job) {
    if (!WorkspaceClaimDependentResource.isNeeded(job)) {
      return null;
    }
    return Quantity.getAmountInBytes(new Quantity(SpecDefaults.storageSize(job.getSpec())))
        .longValueExact();
  }

  public static TrainerConfig create(FineTuneJob job, OperatorConfig config) {
    FineTuneJobSpec spec = job.getSpec();
    TrainerVolumes volumes = TrainerVolumes.plan(job);
    DatasetSpec dataset = spec.getDataset();
    return new TrainerConfig(
        TrainerConfig.SCHEMA_VERSION,
        job.getMetadata().getName(),
        new TrainerConfig.Model(
            volumes.localPath(spec.getModel().getSource()),
            spec.getModel().getTokenSecretRef() == null ? null : volumes.tokenFile(),
            SpecDefaults.dtype(spec)),
        new TrainerConfig.Data(
            volumes.localPath(dataset.getTrain().getSource()),
            dataset.getValidation() == null
                ? null
                : volumes.localPath(dataset.getValidation().getSource()),
            dataset.getFormat(),
            SpecDefaults.maxLength(dataset),
            Boolean.TRUE.equals(dataset.getPacking()),
            dataset.getValidationSplit()),
        SpecDefaults.method(spec),
        SpecDefaults.lora(spec),
        SpecDefaults.hyperparameters(spec),
        new TrainerConfig.Checkpoints(
            volumes.checkpointDir(),
            SpecDefaults.checkpointEverySteps(spec),
            SpecDefaults.checkpointKeepLast(spec),
            workspaceBytes(job)),
        volumes.outputDir(),
        config.trainerPort(),
        StepJob.TERMINATION_MESSAGE_PATH,
        volumes.sources(),
        SpecDefaults.gpus(spec),
        // Named only for dpo: an sft config stays as an operator without objectives wrote it.
        SpecDefaults.objective(spec) == ObjectiveType.DPO ? ObjectiveType.DPO : null,
        SpecDefaults.dpo(spec),
        evaluation(spec, volumes),
        // Named only when asked for, like the objective.
        SpecDefaults.mergeAdapter(spec) ? Boolean.TRUE : null);
  }

  /**
   * The evaluation tasks with their sources resolved as the data's are (pvc:// to the path in the
   * pod, hf:// and https:// as written); null without spec.evaluation, an empty list for an
   * evaluation of the validation loss alone.
   */
  static List<TrainerConfig.EvaluationTaskConfig> evaluation(
      FineTuneJobSpec spec, TrainerVolumes volumes) {
    EvaluationSpec evaluation = spec.getEvaluation();
    if (evaluation == null) {
      return null;
    }
    return Optional.ofNullable(evaluation.getTasks()).orElse(List.of()).stream()
        .map(
            t ->
                new TrainerConfig.EvaluationTaskConfig(
                    t.getName(),
                    volumes.localPath(t.getSource()),
                    t.getType(),
                    t.getMaxNewTokens()))
        .toList();
  }
}
