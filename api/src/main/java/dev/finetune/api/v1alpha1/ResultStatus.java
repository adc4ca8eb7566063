/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The outcome of a successful run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResultStatus {
  @JsonPropertyDescription("Where the model or adapter is, e.g. pvc://claim/output/final.")
  private String location;

  @JsonPropertyDescription("What is there: model (Hugging Face layout) or adapter (PEFT layout).")
  private String layout;

  @JsonPropertyDescription("Final training loss.")
  private Double trainLoss;

  @JsonPropertyDescription("Final validation loss.")
  private Double evalLoss;

  @JsonPropertyDescription("Tokens trained on.")
  private Long trainedTokens;

  @JsonPropertyDescription("Optimizer steps done.")
  private Long steps;

  @JsonPropertyDescription("Examples trained on (after a validation split).")
  private Long trainExamples;

  @JsonPropertyDescription("Examples validated on (the validation file or split).")
  private Long validationExamples;

  @JsonPropertyDescription(
      "With early stopping: the step of the lowest validation loss, whose weights are the output.")
  private Long bestStep;

  @JsonPropertyDescription("With early stopping: the lowest validation loss (evalLoss is this).")
  private Double bestEvalLoss;

  @JsonPropertyDescription(
      "With early stopping: whether the validation loss stopped improving before the last step.")
  private Boolean stoppedEarly;

  @JsonPropertyDescription(
      "With dtype float16: optimizer steps skipped because their gradients overflowed float16"
          + " (the loss scale then halves). A few at the start are normal.")
  private Long skippedSteps;

  @JsonPropertyDescription(
      "The final value of every metric, under Hugging Face Trainer's names: the last step's (loss, grad_norm, ...) and the evaluation of the model that was written, the best one with early stopping (eval_loss, ...). trainLoss and evalLoss above are two of them.")
  private Map<String, Double> metrics;

  @JsonPropertyDescription(
      "Examples per forward pass at the end of the run (with batchSize auto: what fitted the GPU).")
  private Integer microBatchSize;

  @JsonPropertyDescription(
      "With spec.evaluation: each task's metrics for the base model (scored before the first"
          + " step) and the tuned one (the output), and tuned - base; the validation loss is task"
          + " validation, metric loss. Condition Promoted says whether the gate passed.")
  private List<EvaluationResult> evaluation;

  @JsonPropertyDescription(
      "With spec.evaluation: the first result's change and the gate's verdict, e.g. \"licenses"
          + " acc +0.125, promoted\" (kubectl get -o wide, column Eval).")
  private String evaluationHeadline;

  @JsonPropertyDescription(
      "With spec.output.publish: the pushed OCI image manifest (reference with digest, size,"
          + " media type), once condition Published is True.")
  private ArtifactStatus artifact;

  public ArtifactStatus getArtifact() {
    return artifact;
  }

  public void setArtifact(ArtifactStatus artifact) {
    this.artifact = artifact;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResultStatus r
        && Objects.equals(location, r.location)
        && Objects.equals(layout, r.layout)
        && Objects.equals(trainLoss, r.trainLoss)
        && Objects.equals(evalLoss, r.evalLoss)
        && Objects.equals(trainedTokens, r.trainedTokens)
        && Objects.equals(steps, r.steps)
        && Objects.equals(trainExamples, r.trainExamples)
        && Objects.equals(validationExamples, r.validationExamples)
        && Objects.equals(bestStep, r.bestStep)
        && Objects.equals(bestEvalLoss, r.bestEvalLoss)
        && Objects.equals(stoppedEarly, r.stoppedEarly)
        && Objects.equals(skippedSteps, r.skippedSteps)
        && Objects.equals(metrics, r.metrics)
        && Objects.equals(microBatchSize, r.microBatchSize)
        && Objects.equals(evaluation, r.evaluation)
        && Objects.equals(evaluationHeadline, r.evaluationHeadline)
        && Objects.equals(artifact, r.artifact);
  }

  @Override
  public int hashCode() {
    return Objects.hash(location, steps);
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public String getLayout() {
    return layout;
  }

  public void setLayout(String layout) {
    this.layout = layout;
  }

  public Double getTrainLoss() {
    return trainLoss;
  }

  public void setTrainLoss(Double trainLoss) {
    this.trainLoss = trainLoss;
  }

  public Double getEvalLoss() {
    return evalLoss;
  }

  public void setEvalLoss(Double evalLoss) {
    this.evalLoss = evalLoss;
  }

  public Long getTrainedTokens() {
    return trainedTokens;
  }

  public void setTrainedTokens(Long trainedTokens) {
    this.trainedTokens = trainedTokens;
  }

  public Long getSteps() {
    return steps;
  }

  public void setSteps(Long steps) {
    this.steps = steps;
  }

  public Long getTrainExamples() {
    return trainExamples;
  }

  public void setTrainExamples(Long trainExamples) {
    this.trainExamples = trainExamples;
  }

  public Long getValidationExamples() {
    return validationExamples;
  }

  public void setValidationExamples(Long validationExamples) {
    this.validationExamples = validationExamples;
  }

  public Long getBestStep() {
    return bestStep;
  }

  public void setBestStep(Long bestStep) {
    this.bestStep = bestStep;
  }

  public Double getBestEvalLoss() {
    return bestEvalLoss;
  }

  public void setBestEvalLoss(Double bestEvalLoss) {
    this.bestEvalLoss = bestEvalLoss;
  }

  public Boolean getStoppedEarly() {
    return stoppedEarly;
  }

  public void setStoppedEarly(Boolean stoppedEarly) {
    this.stoppedEarly = stoppedEarly;
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

  public List<EvaluationResult> getEvaluation() {
    return evaluation;
  }

  public void setEvaluation(List<EvaluationResult> evaluation) {
    this.evaluation = evaluation;
  }

  public String getEvaluationHeadline() {
    return evaluationHeadline;
  }

  public void setEvaluationHeadline(String evaluationHeadline) {
    this.evaluationHeadline = evaluationHeadline;
  }
}
