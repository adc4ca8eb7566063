/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.model.CausalLmBlock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One training run as its listeners see it: the model, what trains, the optimizer, the step count,
 * and the history so far; events a listener raises (an evaluation, a checkpoint, a note) reach
 * every listener through it.
 */
public final class TrainingRun {
  private final CausalLmBlock model;
  private final TrainedWeights trained;
  private final AdamW optimizer;
  private final NDManager manager;
  private final long startStep;
  private final long totalSteps;
  private final long stepsPerEpoch;
  private final boolean resumed;
  private final List<StepRecord> history;
  private final List<TrainingListener> listeners;
  private final DataCounts counts;
  private boolean checkpointRequested;
  private int microBatch;

  /** How many examples train and how many validate (trainer_state.json reports them). */
  public record DataCounts(int train, int validation) {}

  TrainingRun(
      CausalLmBlock model,
      TrainedWeights trained,
      AdamW optimizer,
      NDManager manager,
      long startStep,
      long totalSteps,
      long stepsPerEpoch,
      boolean resumed,
      List<StepRecord> history,
      List<TrainingListener> listeners,
      DataCounts counts,
      int microBatch) {
    this.model = model;
    this.trained = trained;
    this.optimizer = optimizer;
    this.manager = manager;
    this.startStep = startStep;
    this.totalSteps = totalSteps;
    this.stepsPerEpoch = stepsPerEpoch;
    this.resumed = resumed;
    this.history = new ArrayList<>(history);
    this.listeners = List.copyOf(listeners);
    this.counts = counts;
    this.microBatch = microBatch;
  }

  /** The examples of one forward pass (the batch size, or what batchSize auto chose). */
  public int microBatch() {
    return microBatch;
  }

  /** An out-of-memory error halved the micro-batch; every listener hears it. */
  void microBatchChanged(int size) {
    microBatch = size;
    listeners.forEach(l -> l.onMicroBatchChange(this, size));
  }

  public CausalLmBlock model() {
    return model;
  }

  public TrainedWeights trained() {
    return trained;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  public NDManager manager() {
    return manager;
  }

  /** The first step this process trains (0, or the step of the checkpoint it resumed from). */
  public long startStep() {
    return startStep;
  }

  /** Whether the run resumed from a checkpoint. */
  public boolean resumed() {
    return resumed;
  }

  public long totalSteps() {
    return totalSteps;
  }

  public long stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** Epochs the whole run covers (fractional with maxSteps). */
  public double epochs() {
    return (double) totalSteps / stepsPerEpoch;
  }

  /** Every step and evaluation so far, the resumed checkpoint's included. */
  public List<StepRecord> history() {
    return Collections.unmodifiableList(history);
  }

  /** The trainer state as of {@code step}, as a checkpoint or the final output stores it. */
  public TrainerState state(long step) {
    return new TrainerState(
        step,
        totalSteps,
        epochs(),
        List.copyOf(history),
        (long) counts.train(),
        (long) counts.validation(),
        skippedSteps(),
        microBatch);
  }

  /** Float16 steps skipped so far, or null for a float32 run (its records have no loss scale). */
  private Long skippedSteps() {
    if (history.stream().noneMatch(r -> r.lossScale() != null)) {
      return null;
    }
    return history.stream().filter(r -> Boolean.TRUE.equals(r.skipped())).count();
  }

  /** Asks for a checkpoint of the current step (a new best model, for early stopping). */
  public void requestCheckpoint() {
    checkpointRequested = true;
  }

  /** Whether a checkpoint of the current step was asked for; the request is consumed. */
  public boolean takeCheckpointRequest() {
    boolean requested = checkpointRequested;
    checkpointRequested = false;
    return requested;
  }

  /** Whether a listener declared the run complete (early stopping). */
  public boolean finishRequested() {
    return listeners.stream().anyMatch(TrainingListener::finishRequested);
  }

  /** Records an evaluation and tells every listener. */
  public void evaluated(StepRecord evaluation) {
    history.add(evaluation);
    listeners.forEach(l -> l.onEvaluation(this, evaluation));
  }

  /** Tells every listener that a checkpoint is complete. */
  public void checkpointed(long step, Path path) {
    listeners.forEach(l -> l.onCheckpoint(this, step, path));
  }

  /** A line for the log, through the listeners that print. */
  public void note(String line) {
    listeners.forEach(l -> l.onNote(this, line));
  }

  void begin() {
    listeners.forEach(l -> l.onTrainingBegin(this));
  }

  void step(StepRecord record) {
    history.add(record);
    listeners.forEach(l -> l.onStep(this, record));
  }

  void evaluationDue(long step) {
    listeners.forEach(l -> l.onEvaluationDue(this, step));
  }

  void stepEnd(long step) {
    listeners.forEach(l -> l.onStepEnd(this, step));
  }

  /** Whether the loop ends after this step: a stop to resume later, or a finished run. */
  boolean stopRequested() {
    return listeners.stream().anyMatch(TrainingListener::stopRequested) || finishRequested();
  }

  void end(long stepsDone) {
    listeners.forEach(l -> l.onTrainingEnd(this, stepsDone));
  }
}
