/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a FineTuneJob. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FineTuneJobStatus {
  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Pending, Queued, Running, Succeeded, Failed or Suspended. Succeeded and Failed are final.")
  private Phase phase;

  @JsonPropertyDescription(
      "Kubernetes conditions: Validated, Running, Succeeded, Failed, Suspended, SpecApplied,"
          + " Ready, Reconciling, Stalled, TrainerReachable, and with spec.evaluation Promoted"
          + " (True when the tuned model passed the evaluation gate; False with"
          + " EvaluationGateFailed and the numbers when it did not).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Training progress reported by the trainer.")
  private ProgressStatus progress;

  @JsonPropertyDescription(
      "What the trainer runs on (devices, engine, memory), from its device check before the"
          + " model loaded: from /progress while it runs, then from its termination message. A"
          + " pod that sees fewer GPUs than resources.gpus fails at once with reason"
          + " GpuUnavailable instead of training on the CPU.")
  private TrainerStatus trainer;

  @JsonPropertyDescription("Recent checkpoints, oldest first (bounded).")
  private List<CheckpointStatus> checkpoints;

  @JsonPropertyDescription("Path of the newest complete checkpoint.")
  private String latestCheckpoint;

  @JsonPropertyDescription("Where the trained model or adapter is, and its final numbers.")
  private ResultStatus result;

  @JsonPropertyDescription(
      "The model as the prepare step staged it: architecture, resolved revision, parameters,"
          + " trainable parameters, estimated training memory.")
  private ModelStatus model;

  @JsonPropertyDescription(
      "The data as the prepare step checked it: examples, tokens, truncated examples, skipped"
          + " lines, file digests.")
  private DatasetStatus dataset;

  @JsonPropertyDescription(
      "The steps (Jobs) run so far, in order: prepare, then trainer. A Succeeded step is not run"
          + " again, even when its Job has been deleted (ttlSecondsAfterFinished).")
  private List<StepStatus> steps;

  @JsonPropertyDescription("Name of the trainer Job.")
  private String trainerJob;

  @JsonPropertyDescription("When the trainer first started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When the run ended (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("Trainer pods that failed and were replaced.")
  private Integer restarts;

  @JsonPropertyDescription("A human-readable summary of the current phase.")
  private String message;

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FineTuneJobStatus other)) {
      return false;
    }
    return Objects.equals(observedGeneration, other.observedGeneration)
        && phase == other.phase
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(progress, other.progress)
        && Objects.equals(trainer, other.trainer)
        && Objects.equals(checkpoints, other.checkpoints)
        && Objects.equals(latestCheckpoint, other.latestCheckpoint)
        && Objects.equals(result, other.result)
        && Objects.equals(model, other.model)
        && Objects.equals(dataset, other.dataset)
        && Objects.equals(steps, other.steps)
        && Objects.equals(trainerJob, other.trainerJob)
        && Objects.equals(startTime, other.startTime)
        && Objects.equals(completionTime, other.completionTime)
        && Objects.equals(restarts, other.restarts)
        && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, conditions, trainerJob, message);
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public ProgressStatus getProgress() {
    return progress;
  }

  public void setProgress(ProgressStatus progress) {
    this.progress = progress;
  }

  public TrainerStatus getTrainer() {
    return trainer;
  }

  public void setTrainer(TrainerStatus trainer) {
    this.trainer = trainer;
  }

  public List<CheckpointStatus> getCheckpoints() {
    return checkpoints;
  }

  public void setCheckpoints(List<CheckpointStatus> checkpoints) {
    this.checkpoints = checkpoints;
  }

  public String getLatestCheckpoint() {
    return latestCheckpoint;
  }

  public void setLatestCheckpoint(String latestCheckpoint) {
    this.latestCheckpoint = latestCheckpoint;
  }

  public ResultStatus getResult() {
    return result;
  }

  public void setResult(ResultStatus result) {
    this.result = result;
  }

  public String getTrainerJob() {
    return trainerJob;
  }

  public void setTrainerJob(String trainerJob) {
    this.trainerJob = trainerJob;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public Integer getRestarts() {
    return restarts;
  }

  public void setRestarts(Integer restarts) {
    this.restarts = restarts;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ModelStatus getModel() {
    return model;
  }

  public void setModel(ModelStatus model) {
    this.model = model;
  }

  public List<StepStatus> getSteps() {
    return steps;
  }

  public void setSteps(List<StepStatus> steps) {
    this.steps = steps;
  }

  public DatasetStatus getDataset() {
    return dataset;
  }

  public void setDataset(DatasetStatus dataset) {
    this.dataset = dataset;
  }
}
