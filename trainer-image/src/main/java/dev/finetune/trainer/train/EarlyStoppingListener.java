/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

/**
 * Applies {@link EarlyStopping} after each evaluation: a new best value of its metric asks for a
 * checkpoint of that step and keeps it from rotation (it becomes {@code final/} at the end);
 * patience used up finishes the run after the current step.
 */
public final class EarlyStoppingListener implements TrainingListener {
  private final EarlyStopping policy;
  private final CheckpointStore store;
  private EarlyStopping.State state;

  public EarlyStoppingListener(EarlyStopping policy, CheckpointStore store) {
    this.policy = policy;
    this.store = store;
  }

  @Override
  public void onTrainingBegin(TrainingRun run) {
    state = policy.state(run.history());
    if (state.bestValue() != null) {
      store.protect(state.bestStep());
    }
  }

  @Override
  public void onEvaluation(TrainingRun run, StepRecord evaluation) {
    long previousBest = state.bestStep();
    state = policy.state(run.history());
    if (state.bestStep() != previousBest) {
      store.protect(state.bestStep());
      run.requestCheckpoint();
    }
    if (policy.exhausted(state)) {
      run.note(
          String.format(
              "early stopping after step %d: %d evaluations without an improvement of %s over"
                  + " %.4f (best at step %d)",
              evaluation.step(),
              state.withoutImprovement(),
              policy.metric(),
              state.bestValue(),
              state.bestStep()));
    }
  }

  @Override
  public boolean finishRequested() {
    return state != null && policy.exhausted(state);
  }

  public EarlyStopping.State state() {
    return state;
  }
}
