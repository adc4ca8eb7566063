/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.TrainerRuntime;
import java.nio.file.Path;

/**
 * Something that follows a training run, in the style of DJL's {@code TrainingListener}: the loop
 * trains, and checkpointing, evaluation, progress reporting and the stop signal listen beside it.
 * Listeners are called in the order they were given, on the training thread.
 */
public interface TrainingListener {
  /** The devices passed their check, before anything is downloaded or loaded. */
  default void onDevicesChecked(TrainerRuntime runtime) {}

  /** Before the first step of this process (after a resume, {@link TrainingRun#startStep()}). */
  default void onTrainingBegin(TrainingRun run) {}

  /** After each optimizer step; the record is already in {@link TrainingRun#history()}. */
  default void onStep(TrainingRun run, StepRecord record) {}

  /**
   * An evaluation is due after step {@code step} (every N steps, or at each epoch's end, and at the
   * run's last step).
   */
  default void onEvaluationDue(TrainingRun run, long step) {}

  /**
   * With batchSize auto, an out-of-memory error halved the micro-batch to {@code size} examples
   * (the step runs again; the global batch stays).
   */
  default void onMicroBatchChange(TrainingRun run, int size) {}

  /** An evaluation was made; the record is already in the history. */
  default void onEvaluation(TrainingRun run, StepRecord evaluation) {}

  /**
   * Step {@code step} is done, its evaluation included: the place to save a checkpoint, so that it
   * holds that evaluation too.
   */
  default void onStepEnd(TrainingRun run, long step) {}

  /** A checkpoint of step {@code step} is complete at {@code path}. */
  default void onCheckpoint(TrainingRun run, long step, Path path) {}

  /** A line worth keeping in the log. */
  default void onNote(TrainingRun run, String line) {}

  /**
   * The loop ended after {@code stepsDone} steps: all of them, or fewer when a stop was requested.
   */
  default void onTrainingEnd(TrainingRun run, long stepsDone) {}

  /** Whether the run should stop after the current step, to be resumed later (SIGTERM). */
  default boolean stopRequested() {
    return false;
  }

  /** Whether the run is complete after the current step (early stopping). */
  default boolean finishRequested() {
    return false;
  }
}
