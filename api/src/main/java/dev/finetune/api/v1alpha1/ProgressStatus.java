/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.Objects;

/** Training progress, copied from the trainer's /progress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProgressStatus {
  @JsonPropertyDescription("Optimizer steps done.")
  private Long step;

  @JsonPropertyDescription("Optimizer steps planned.")
  private Long totalSteps;

  @JsonPropertyDescription("Current epoch (fractional).")
  private Double epoch;

  @JsonPropertyDescription("step / totalSteps as a percentage, e.g. \"42%\".")
  private String percent;

  @JsonPropertyDescription("Training loss of the latest step.")
  private Double loss;

  @JsonPropertyDescription("Latest validation loss.")
  private Double evalLoss;

  @JsonPropertyDescription("Current learning rate.")
  private Double learningRate;

  @JsonPropertyDescription("Training throughput.")
  private Double tokensPerSecond;

  @JsonPropertyDescription("Tokens trained on so far.")
  private Long trainedTokens;

  @JsonPropertyDescription("Estimated time left, e.g. \"1h20m\".")
  private String eta;

  @JsonPropertyDescription(
      "The checkpoint step the current trainer process resumed from, if it resumed.")
  private Long resumedFromStep;

  @JsonPropertyDescription(
      "With dtype float16: steps skipped so far because their gradients overflowed float16.")
  private Long skippedSteps;

  @JsonPropertyDescription(
      "The latest value of every metric the run logs, under Hugging Face Trainer's names: the latest step's (loss, grad_norm, ...) and the latest evaluation's (eval_loss, ...). loss and evalLoss above are two of them; an objective with metrics of its own adds names here.")
  private Map<String, Double> metrics;

  @JsonPropertyDescription(
      "Examples per forward pass: hyperparameters.batchSize, or with batchSize auto what the trainer chose for the GPU (halved after an out-of-memory error, with a MicroBatchReduced Event; the global batch stays).")
  private Integer microBatchSize;

  @Override
  public boolean equals(Object o) {
    return o instanceof ProgressStatus p
        && Objects.equals(step, p.step)
        && Objects.equals(totalSteps, p.totalSteps)
        && Objects.equals(epoch, p.epoch)
        && Objects.equals(percent, p.percent)
        && Objects.equals(loss, p.loss)
        && Objects.equals(evalLoss, p.evalLoss)
        && Objects.equals(learningRate, p.learningRate)
        && Objects.equals(tokensPerSecond, p.tokensPerSecond)
        && Objects.equals(trainedTokens, p.trainedTokens)
        && Objects.equals(eta, p.eta)
        && Objects.equals(resumedFromStep, p.resumedFromStep)
        && Objects.equals(skippedSteps, p.skippedSteps)
        && Objects.equals(metrics, p.metrics)
        && Objects.equals(microBatchSize, p.microBatchSize);
  }

  @Override
  public int hashCode() {
    return Objects.hash(step, totalSteps, loss);
  }

  public Long getStep() {
    return step;
  }

  public void setStep(Long step) {
    this.step = step;
  }

  public Long getTotalSteps() {
    return totalSteps;
  }

  public void setTotalSteps(Long totalSteps) {
    this.totalSteps = totalSteps;
  }

  public Double getEpoch() {
    return epoch;
  }

  public void setEpoch(Double epoch) {
    this.epoch = epoch;
  }

  public String getPercent() {
    return percent;
  }

  public void setPercent(String percent) {
    this.percent = percent;
  }

  public Double getLoss() {
    return loss;
  }

  public void setLoss(Double loss) {
    this.loss = loss;
  }

  public Double getEvalLoss() {
    return evalLoss;
  }

  public void setEvalLoss(Double evalLoss) {
    this.evalLoss = evalLoss;
  }

  public Double getLearningRate() {
    return learningRate;
  }

  public void setLearningRate(Double learningRate) {
    this.learningRate = learningRate;
  }

  public Double getTokensPerSecond() {
    return tokensPerSecond;
  }

  public void setTokensPerSecond(Double tokensPerSecond) {
    this.tokensPerSecond = tokensPerSecond;
  }

  public Long getTrainedTokens() {
    return trainedTokens;
  }

  public void setTrainedTokens(Long trainedTokens) {
    this.trainedTokens = trainedTokens;
  }

  public String getEta() {
    return eta;
  }

  public void setEta(String eta) {
    this.eta = eta;
  }

  public Long getResumedFromStep() {
    return resumedFromStep;
  }

  public void setResumedFromStep(Long resumedFromStep) {
    this.resumedFromStep = resumedFromStep;
  }

  public Long getSkippedSteps() {
    return skippedSteps;
  }

  public void setSkippedSteps(Long skippedSteps) {
    this.skippedSteps = skippedSteps;
  }

  public Map<String, Double> getMetrics() {
    return metrics;
  }

  public void setMetrics(Map<String, Double> metrics) {
    this.metrics = metrics;
  }

  public Integer getMicroBatchSize() {
    return microBatchSize;
  }

  public void setMicroBatchSize(Integer microBatchSize) {
    this.microBatchSize = microBatchSize;
  }
}
