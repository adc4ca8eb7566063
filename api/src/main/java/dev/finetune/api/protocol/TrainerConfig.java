/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.DpoSpec;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.LoraSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.api.v1alpha1.ObjectiveType;
import java.util.List;

/**
 * What the operator hands the trainer (JSON in a ConfigMap, mounted at {@link #DEFAULT_PATH}).
 * Every default is already resolved and every {@code pvc://} location is already a path inside the
 * pod, so the trainer needs nothing else.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}; the trainer refuses a version it does not know
 * @param jobName the FineTuneJob's name, for logs and model cards
 * @param model the base model
 * @param data training and validation data
 * @param method full or lora
 * @param lora LoRA settings (only with method lora)
 * @param hyperparameters optimisation settings, defaults resolved
 * @param checkpoints where and how often to checkpoint
 * @param outputDir directory for the final model or adapter
 * @param progressPort port of the trainer's HTTP server (/progress, /metrics, /healthz)
 * @param terminationMessagePath file for the final result JSON
 * @param volumes each mounted claim's path in the pod and the {@code pvc://} location it stands
 *     for, so the trainer's messages name files as the FineTuneJob does; null from an older
 *     operator
 * @param gpus the GPUs the trainer pod requested ({@code spec.resources.gpus}; 0 trains on the CPU
 *     on purpose): the trainer fails at once when its engine sees fewer; null in a config from an
 *     operator that did not say, which the trainer does not check
 * @param objective sft or dpo; null (an older operator) is sft
 * @param dpo DPO settings (only with objective dpo), defaults not yet resolved
 * @param evaluation tasks the base and the tuned model are both scored on, or null
 * @param mergeAdapter LoRA: also write {@code merged/} (spec.output.publish.what merged); null or
 *     false: only the adapter
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainerConfig(
    int schemaVersion,
    String jobName,
    Model model,
    Data data,
    MethodType method,
    LoraSpec lora,
    Hyperparameters hyperparameters,
    Checkpoints checkpoints,
    String outputDir,
    int progressPort,
    String terminationMessagePath,
    List<Volume> volumes,
    Integer gpus,
    ObjectiveType objective,
    DpoSpec dpo,
    List<EvaluationTaskConfig> evaluation,
    Boolean mergeAdapter) {

  public static final int SCHEMA_VERSION = 1;

  /** As the canonical constructor, without a merged model (no {@code merged/} folder). */
  public TrainerConfig(
      int schemaVersion,
      String jobName,
      Model model,
      Data data,
      MethodType method,
      LoraSpec lora,
      Hyperparameters hyperparameters,
      Checkpoints checkpoints,
      String outputDir,
      int progressPort,
      String terminationMessagePath,
      List<Volume> volumes,
      Integer gpus,
      ObjectiveType objective,
      DpoSpec dpo,
      List<EvaluationTaskConfig> evaluation) {
    this(
        schemaVersion,
        jobName,
        model,
        data,
        method,
        lora,
        hyperparameters,
        checkpoints,
        outputDir,
        progressPort,
        terminationMessagePath,
        volumes,
        gpus,
        objective,
        dpo,
        evaluation,
        null);
  }

  public static final String DEFAULT_PATH = "/etc/finetune/trainer-config.json";

  /** A supervised fine-tuning config (no objective named: sft). */
  public TrainerConfig(
      int schemaVersion,
      String jobName,
      Model model,
      Data data,
      MethodType method,
      LoraSpec lora,
      Hyperparameters hyperparameters,
      Checkpoints checkpoints,
      String outputDir,
      int progressPort,
      String terminationMessagePath,
      List<Volume> volumes,
      Integer gpus) {
    this(
        schemaVersion,
        jobName,
        model,
        data,
        method,
        lora,
        hyperparameters,
        checkpoints,
        outputDir,
        progressPort,
        terminationMessagePath,
        volumes,
        gpus,
        null,
        null,
        null);
  }

  /** As the canonical constructor, without evaluation tasks. */
  public TrainerConfig(
      int schemaVersion,
      String jobName,
      Model model,
      Data data,
      MethodType method,
      LoraSpec lora,
      Hyperparameters hyperparameters,
      Checkpoints checkpoints,
      String outputDir,
      int progressPort,
      String terminationMessagePath,
      List<Volume> volumes,
      Integer gpus,
      ObjectiveType objective,
      DpoSpec dpo) {
    this(
        schemaVersion,
        jobName,
        model,
        data,
        method,
        lora,
        hyperparameters,
        checkpoints,
        outputDir,
        progressPort,
        terminationMessagePath,
        volumes,
        gpus,
        objective,
        dpo,
        null);
  }

  /**
   * An evaluation task, its source resolved like the data's.
   *
   * @param name the task's name in the results
   * @param source the JSONL file (a path in the pod, hf:// or https://)
   * @param type its lm-evaluation-harness shape
   * @param maxNewTokens generate only: the most tokens per answer, or null for the default
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EvaluationTaskConfig(
      String name, String source, EvaluationTaskType type, Integer maxNewTokens) {}

  /**
   * @param source a local directory, or an hf:// or https:// location to download
   * @param tokenFile file holding the Hub token (a mounted Secret key), never the token itself
   * @param dtype precision of the trained weights
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Model(String source, String tokenFile, ModelDtype dtype) {}

  /**
   * @param train training JSONL (local path, hf:// or https://)
   * @param validation validation JSONL, or null
   * @param format line format
   * @param maxLength tokens per example
   * @param packing pack short examples together
   * @param validationSplit fraction of train held out when validation is null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Data(
      String train,
      String validation,
      DataFormat format,
      int maxLength,
      boolean packing,
      Double validationSplit) {}

  /**
   * @param path where the claim is mounted in the pod ({@code /workspace})
   * @param source the location the user names it by ({@code pvc://NAME-workspace})
   */
  public record Volume(String path, String source) {}

  /**
   * @param dir directory holding checkpoint-STEP/ folders
   * @param everySteps checkpoint interval in optimizer steps
   * @param keepLast how many to keep
   * @param volumeBytes the size of the claim holding {@code dir} (its parent is the claim's root)
   *     when the operator created it with a size, else null: the prepare step's storage check
   */
  public record Checkpoints(String dir, long everySteps, int keepLast, Long volumeBytes) {}
}
