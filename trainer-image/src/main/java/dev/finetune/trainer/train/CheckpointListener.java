/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

/**
 * Saves a checkpoint every {@code everySteps} steps (never at the last step: the final output is
 * saved instead), and one more when the run stops early, so a restart resumes exactly there.
 */
public final class CheckpointListener implements TrainingListener {
  private final CheckpointStore store;
  private final long everySteps;
  private long lastSaved;

  /**
   * @param everySteps the interval; 0 saves only when the run stops early
   */
  public CheckpointListener(CheckpointStore store, long everySteps) {
    this.store = store;
    this.everySteps = everySteps;
  }

  @Override
  public void onTrainingBegin(TrainingRun run) {
    lastSaved = run.startStep();
  }

  @Override
  public void onStep(TrainingRun run, StepRecord record) {
    long step = record.step();
    if (everySteps > 0 && step % everySteps == 0 && step < run.totalSteps()) {
      save(run, step);
      run.checkpointed(step, store.pathOf(step));
    }
  }

  @Override
  public void onTrainingEnd(TrainingRun run, long stepsDone) {
    if (stepsDone < run.totalSteps() && lastSaved != stepsDone) {
      save(run, stepsDone);
    }
  }

  private void save(TrainingRun run, long step) {
    store.save(step, run.trained(), run.optimizer(), run.state(step));
    lastSaved = step;
  }
}
