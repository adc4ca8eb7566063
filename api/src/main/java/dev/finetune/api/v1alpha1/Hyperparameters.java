/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Optimisation settings (AdamW with torch semantics). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.warmupRatio) && has(self.warmupSteps))",
    message = "set either hyperparameters.warmupRatio or hyperparameters.warmupSteps, not both")
@ValidationRule(
    value = "!(has(self.epochs) && has(self.maxSteps))",
    message = "set either hyperparameters.epochs or hyperparameters.maxSteps, not both")
@ValidationRule(
    value =
        "!has(self.batchSize) || (type(self.batchSize) == int ? self.batchSize >= 1 &&"
            + " self.batchSize <= 4096 : self.batchSize == 'auto')",
    message = "hyperparameters.batchSize is a number of examples from 1 to 4096, or auto")
@ValidationRule(
    value = "!has(self.maxBatchSize) || (has(self.batchSize) && type(self.batchSize) == string)",
    message = "hyperparameters.maxBatchSize goes with batchSize: auto")
public class Hyperparameters {
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Passes over the training data. Default: 1 (unless maxSteps is set).")
  private Integer epochs;

  @Min(1)
  @JsonPropertyDescription("Stop after this many optimizer steps instead of whole epochs.")
  private Long maxSteps;

  @JsonPropertyDescription(
      "Examples per micro-batch on each GPU (1 to 4096), or auto: the trainer trains with the"
          + " largest micro-batch, at most maxBatchSize, whose memory estimate fits the GPU, halves"
          + " it when the GPU runs out of memory, and keeps the global batch (maxBatchSize ×"
          + " gradientAccumulationSteps) through gradient accumulation, so the numbers do not"
          + " depend on the GPU model; status.progress.microBatchSize shows it. Default: 8.")
  private IntOrString batchSize;

  @Min(1)
  @Max(4096)
  @JsonPropertyDescription(
      "With batchSize auto: the largest micro-batch tried; the global batch is maxBatchSize ×"
          + " gradientAccumulationSteps. Default: 8.")
  private Integer maxBatchSize;

  @Min(1)
  @Max(4096)
  @JsonPropertyDescription(
      "Micro-batches whose gradients are summed before one optimizer step. Default: 1.")
  private Integer gradientAccumulationSteps;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("Peak learning rate. Default: 0.00002 (full), 0.0002 (lora).")
  private Double learningRate;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Fraction of all steps spent warming up linearly from 0.")
  private Double warmupRatio;

  @Min(0)
  @JsonPropertyDescription("Number of warmup steps (instead of warmupRatio). Default: 0.")
  private Long warmupSteps;

  @JsonPropertyDescription("Decay after warmup: constant, linear or cosine. Default: linear.")
  private SchedulerType scheduler;

  @Min(0)
  @Max(10)
  @JsonPropertyDescription("AdamW decoupled weight decay. Default: 0.")
  private Double weightDecay;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Clip the global gradient norm to this value. Default: 1.0.")
  private Double maxGradNorm;

  @Min(0)
  @Max(4294967295L)
  @JsonPropertyDescription("Seed for initialisation, shuffling and dropout. Default: 42.")
  private Long seed;

  @Min(1)
  @JsonPropertyDescription(
      "Score the validation data every this many optimizer steps. Default: once per epoch.")
  private Long evalEverySteps;

  @JsonPropertyDescription(
      "Stop when the validation loss has not improved by minDelta for patience evaluations. The"
          + " evaluation with the lowest loss is checkpointed, kept beyond keepLast and becomes the"
          + " output (status.result.bestStep).")
  private EarlyStopping earlyStopping;

  public Integer getEpochs() {
    return epochs;
  }

  public void setEpochs(Integer epochs) {
    this.epochs = epochs;
  }

  public Long getMaxSteps() {
    return maxSteps;
  }

  public void setMaxSteps(Long maxSteps) {
    this.maxSteps = maxSteps;
  }

  public IntOrString getBatchSize() {
    return batchSize;
  }

  public void setBatchSize(IntOrString batchSize) {
    this.batchSize = batchSize;
  }

  public Integer getMaxBatchSize() {
    return maxBatchSize;
  }

  public void setMaxBatchSize(Integer maxBatchSize) {
    this.maxBatchSize = maxBatchSize;
  }

  public Integer getGradientAccumulationSteps() {
    return gradientAccumulationSteps;
  }

  public void setGradientAccumulationSteps(Integer gradientAccumulationSteps) {
    this.gradientAccumulationSteps = gradientAccumulationSteps;
  }

  public Double getLearningRate() {
    return learningRate;
  }

  public void setLearningRate(Double learningRate) {
    this.learningRate = learningRate;
  }

  public Double getWarmupRatio() {
    return warmupRatio;
  }

  public void setWarmupRatio(Double warmupRatio) {
    this.warmupRatio = warmupRatio;
  }

  public Long getWarmupSteps() {
    return warmupSteps;
  }

  public void setWarmupSteps(Long warmupSteps) {
    this.warmupSteps = warmupSteps;
  }

  public SchedulerType getScheduler() {
    return scheduler;
  }

  public void setScheduler(SchedulerType scheduler) {
    this.scheduler = scheduler;
  }

  public Double getWeightDecay() {
    return weightDecay;
  }

  public void setWeightDecay(Double weightDecay) {
    this.weightDecay = weightDecay;
  }

  public Double getMaxGradNorm() {
    return maxGradNorm;
  }

  public void setMaxGradNorm(Double maxGradNorm) {
    this.maxGradNorm = maxGradNorm;
  }

  public Long getSeed() {
    return seed;
  }

  public void setSeed(Long seed) {
    this.seed = seed;
  }

  public Long getEvalEverySteps() {
    return evalEverySteps;
  }

  public void setEvalEverySteps(Long evalEverySteps) {
    this.evalEverySteps = evalEverySteps;
  }

  public EarlyStopping getEarlyStopping() {
    return earlyStopping;
  }

  public void setEarlyStopping(EarlyStopping earlyStopping) {
    this.earlyStopping = earlyStopping;
  }
}
