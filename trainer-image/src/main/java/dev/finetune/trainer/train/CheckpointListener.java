/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

/**
 * Saves a checkpoint every {@code everySteps} steps and when a listener asks for one (a new best
 * model), after the step's evaluation so that the checkpoint's log holds it — never at the last
 * step: the final output is saved instead — and one more when the run is stopped to be resumed, so
 * a restart resumes exactly there.
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
  public void onStepEnd(TrainingRun run, long step) {
    boolean due = everySteps > 0 && step % everySteps == 0;
    if ((run.takeCheckpointRequest() || due) && step < run.totalSteps() && lastSaved != step) {
      save(run, step);
      run.checkpointed(step, store.pathOf(step));
    }
  }

  @Override
  public void onTrainingEnd(TrainingRun run, long stepsDone) {
    if (stepsDone < run.totalSteps() && lastSaved != stepsDone && !run.finishRequested()) {
      save(run, stepsDone);
    }
  }

  private void save(TrainingRun run, long step) {
    store.save(step, run.trained(), run.optimizer(), run.state(step));
    lastSaved = step;
  }
}
