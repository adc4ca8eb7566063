/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What to fine-tune and how. Every field that defines the training is immutable once set; only
 * {@code runPolicy.suspend} may change while a job exists (CEL rules below, and the operator
 * reports any change it cannot apply).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = FineTuneJobSpec.IMMUTABLE_MODEL, message = "spec.model is immutable")
@ValidationRule(value = FineTuneJobSpec.IMMUTABLE_DATASET, message = "spec.dataset is immutable")
@ValidationRule(value = FineTuneJobSpec.IMMUTABLE_METHOD, message = "spec.method is immutable")
@ValidationRule(
    value = FineTuneJobSpec.IMMUTABLE_HYPERPARAMETERS,
    message = "spec.hyperparameters is immutable")
@ValidationRule(
    value = FineTuneJobSpec.IMMUTABLE_CHECKPOINTS,
    message = "spec.checkpoints is immutable")
@ValidationRule(value = FineTuneJobSpec.IMMUTABLE_OUTPUT, message = "spec.output is immutable")
@ValidationRule(
    value = FineTuneJobSpec.IMMUTABLE_EVALUATION,
    message = "spec.evaluation is immutable")
@ValidationRule(
    value = FineTuneJobSpec.IMMUTABLE_RESOURCES,
    message = "spec.resources is immutable")
@ValidationRule(value = FineTuneJobSpec.IMMUTABLE_IMAGE, message = "spec.image is immutable")
@ValidationRule(
    value = FineTuneJobSpec.IMMUTABLE_QUEUE_NAME,
    message = "spec.queueName is immutable")
@ValidationRule(
    value = FineTuneJobSpec.IMMUTABLE_RUN_POLICY,
    message = "spec.runPolicy is immutable except runPolicy.suspend")
@ValidationRule(
    value = FineTuneJobSpec.MERGED_ONLY_WITH_LORA,
    message =
        "spec.output.publish.what merged is a LoRA run's merged model; with method full, publish"
            + " final")
public class FineTuneJobSpec {
  static final String MERGED_ONLY_WITH_LORA =
      "!has(self.output) || !has(self.output.publish) || !has(self.output.publish.what)"
          + " || self.output.publish.what != 'merged'"
          + " || (has(self.method) && has(self.method.type) && self.method.type == 'lora')";

  // Transition rules (evaluated on update only). The optional-field syntax (self.?f) compares
  // presence and value together, so adding or removing a field counts as a change. Affinity and
  // tolerations are left out: their schemas are unbounded and equality over them could exceed
  // the API server's CEL cost budget. The operator reports a change to them all the same.
  static final String IMMUTABLE_MODEL = "self.model == oldSelf.model";
  static final String IMMUTABLE_DATASET = "self.dataset == oldSelf.dataset";
  static final String IMMUTABLE_METHOD = "self.?method == oldSelf.?method";
  static final String IMMUTABLE_HYPERPARAMETERS =
      "self.?hyperparameters == oldSelf.?hyperparameters";
  static final String IMMUTABLE_CHECKPOINTS = "self.?checkpoints == oldSelf.?checkpoints";
  static final String IMMUTABLE_OUTPUT = "self.?output == oldSelf.?output";
  static final String IMMUTABLE_EVALUATION = "self.?evaluation == oldSelf.?evaluation";
  static final String IMMUTABLE_RESOURCES =
      "self.?resources.?gpus == oldSelf.?resources.?gpus"
          + " && self.?resources.?gpuResourceName == oldSelf.?resources.?gpuResourceName"
          + " && self.?resources.?cpu == oldSelf.?resources.?cpu"
          + " && self.?resources.?memory == oldSelf.?resources.?memory"
          + " && self.?resources.?nodeSelector == oldSelf.?resources.?nodeSelector"
          + " && self.?resources.?priorityClassName == oldSelf.?resources.?priorityClassName";
  static final String IMMUTABLE_IMAGE = "self.?image == oldSelf.?image";
  static final String IMMUTABLE_QUEUE_NAME = "self.?queueName == oldSelf.?queueName";
  static final String IMMUTABLE_RUN_POLICY =
      "self.?runPolicy.?backoffLimit == oldSelf.?runPolicy.?backoffLimit"
          + " && self.?runPolicy.?activeDeadlineSeconds =="
          + " oldSelf.?runPolicy.?activeDeadlineSeconds"
          + " && self.?runPolicy.?ttlSecondsAfterFinished =="
          + " oldSelf.?runPolicy.?ttlSecondsAfterFinished";

  @Required
  @JsonPropertyDescription("The base model to fine-tune.")
  private ModelSpec model;

  @Required
  @JsonPropertyDescription("Training (and optional validation) data, and how to read it.")
  private DatasetSpec dataset;

  @JsonPropertyDescription(
      "Full fine-tuning or LoRA, and the objective: sft or dpo. Default: full, sft.")
  private MethodSpec method;

  @JsonPropertyDescription("Optimisation settings. Every field has a default.")
  private Hyperparameters hyperparameters;

  @JsonPropertyDescription(
      "When checkpoints are written, how many are kept, and on which volume. A preempted trainer"
          + " resumes from the newest complete checkpoint.")
  private CheckpointSpec checkpoints;

  @JsonPropertyDescription(
      "Where the final model or adapter is written, and whether it outlives this resource.")
  private OutputSpec output;

  @JsonPropertyDescription(
      "Evaluation of the base and the tuned model on the same tasks, and the gate that decides"
          + " whether the tuned model is promoted.")
  private EvaluationSpec evaluation;

  @JsonPropertyDescription("GPUs, CPU, memory and scheduling constraints of the trainer pod.")
  private ResourcesSpec resources;

  @JsonPropertyDescription("Retries, deadlines, clean-up and suspension of the trainer.")
  private RunPolicy runPolicy;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "Trainer container image. Default: the image the operator was configured with.")
  private String image;

  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Accepted(
      "a LocalQueue name: lower-case letters, digits and '-', starting and ending with a letter"
          + " or digit (e.g. team-a)")
  @JsonPropertyDescription(
      "Kueue LocalQueue that admits the trainer Job (sets the kueue.x-k8s.io/queue-name label on"
          + " it). The same label on this resource's metadata works too.")
  private String queueName;

  public ModelSpec getModel() {
    return model;
  }

  public void setModel(ModelSpec model) {
    this.model = model;
  }

  public DatasetSpec getDataset() {
    return dataset;
  }

  public void setDataset(DatasetSpec dataset) {
    this.dataset = dataset;
  }

  public MethodSpec getMethod() {
    return method;
  }

  public void setMethod(MethodSpec method) {
    this.method = method;
  }

  public Hyperparameters getHyperparameters() {
    return hyperparameters;
  }

  public void setHyperparameters(Hyperparameters hyperparameters) {
    this.hyperparameters = hyperparameters;
  }

  public CheckpointSpec getCheckpoints() {
    return checkpoints;
  }

  public void setCheckpoints(CheckpointSpec checkpoints) {
    this.checkpoints = checkpoints;
  }

  public EvaluationSpec getEvaluation() {
    return evaluation;
  }

  public void setEvaluation(EvaluationSpec evaluation) {
    this.evaluation = evaluation;
  }

  public OutputSpec getOutput() {
    return output;
  }

  public void setOutput(OutputSpec output) {
    this.output = output;
  }

  public ResourcesSpec getResources() {
    return resources;
  }

  public void setResources(ResourcesSpec resources) {
    this.resources = resources;
  }

  public RunPolicy getRunPolicy() {
    return runPolicy;
  }

  public void setRunPolicy(RunPolicy runPolicy) {
    this.runPolicy = runPolicy;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getQueueName() {
    return queueName;
  }

  public void setQueueName(String queueName) {
    this.queueName = queueName;
  }
}
