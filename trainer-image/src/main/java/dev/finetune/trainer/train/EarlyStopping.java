/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.trainer.TrainerException;
import java.util.List;

/**
 * Hugging Face's {@code EarlyStoppingCallback} with {@code load_best_model_at_end}: after each
 * evaluation, an eval loss lower than the best so far by more than {@code minDelta} resets the
 * count of evaluations without improvement; {@code patience} such evaluations in a row stop the
 * run. The best model is the one with the lowest eval loss (any decrease counts there, as in
 * transformers, where the best metric is updated after the callback compared with the old one).
 *
 * <p>The state is a function of the log history alone, so a run resumed from a checkpoint (whose
 * trainer_state.json holds the history) continues with exactly the state it had.
 *
 * @param patience evaluations without improvement before the run stops
 * @param minDelta the smallest decrease of the eval loss that counts as an improvement
 */
public record EarlyStopping(int patience, double minDelta) {
  public EarlyStopping {
    if (patience < 1) {
      throw TrainerException.config(
          "early stopping patience must be at least 1 (got " + patience + ")");
    }
    if (!(minDelta >= 0)) {
      throw TrainerException.config(
          "early stopping minDelta must be 0 or more (got " + minDelta + ")");
    }
  }

  /**
   * Where a run stands after the evaluations of {@code history}.
   *
   * @param bestStep the step of the lowest eval loss (0 before the first evaluation)
   * @param bestLoss the lowest eval loss, or null before the first evaluation
   * @param withoutImprovement evaluations in a row that did not improve by more than minDelta
   */
  public record State(long bestStep, Double bestLoss, int withoutImprovement) {}

  public State state(List<StepRecord> history) {
    long bestStep = 0;
    Double best = null;
    int without = 0;
    for (StepRecord r : history) {
      if (r.evalLoss() == null) {
        continue;
      }
      double loss = r.evalLoss();
      if (best == null || best - loss > minDelta) {
        without = 0;
      } else {
        without++;
      }
      if (best == null || loss < best) {
        best = loss;
        bestStep = r.step();
      }
    }
    return new State(bestStep, best, without);
  }

  public boolean exhausted(State state) {
    return state.withoutImprovement() >= patience;
  }
}
