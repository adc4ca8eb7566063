/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.MetricNames;
import dev.finetune.trainer.TrainerException;
import java.util.List;

/**
 * Hugging Face's {@code EarlyStoppingCallback} with {@code load_best_model_at_end}, watching one
 * named metric ({@code metric_for_best_model}, default {@code eval_loss}) in the direction {@code
 * greater_is_better} says: after each evaluation, a value better than the best so far by more than
 * {@code minDelta} resets the count of evaluations without improvement; {@code patience} such
 * evaluations in a row stop the run. The best model is the one with the best value (any improvement
 * counts there, as in transformers, where the best metric is updated after the callback compared
 * with the old one).
 *
 * <p>The state is a function of the log history alone, so a run resumed from a checkpoint (whose
 * trainer_state.json holds the history) continues with exactly the state it had.
 *
 * @param patience evaluations without improvement before the run stops
 * @param minDelta the smallest improvement of the metric that counts
 * @param metric the evaluation metric watched, with its {@code eval_} prefix
 * @param greaterIsBetter whether a larger value is better (false for a loss)
 */
public record EarlyStopping(int patience, double minDelta, String metric, boolean greaterIsBetter) {
  public EarlyStopping {
    if (patience < 1) {
      throw TrainerException.config(
          "early stopping patience must be at least 1 (got " + patience + ")");
    }
    if (!(minDelta >= 0)) {
      throw TrainerException.config(
          "early stopping minDelta must be 0 or more (got " + minDelta + ")");
    }
    if (metric == null || !metric.startsWith(MetricNames.EVAL_PREFIX)) {
      throw new IllegalArgumentException("an evaluation metric starts with eval_: " + metric);
    }
  }

  /** Watching the eval loss, lower is better: what Hugging Face does by default. */
  public EarlyStopping(int patience, double minDelta) {
    this(patience, minDelta, MetricNames.EVAL_LOSS, false);
  }

  /**
   * Early stopping on {@code metric} as Hugging Face's {@code TrainingArguments} resolves it: null
   * is the eval loss, a name without the {@code eval_} prefix gets it, and {@code greaterIsBetter}
   * null means false for a metric whose name ends in {@code loss}, true for any other.
   */
  public static EarlyStopping of(
      int patience, double minDelta, String metric, Boolean greaterIsBetter) {
    String name = metric == null || metric.isBlank() ? MetricNames.LOSS : metric.strip();
    if (!name.startsWith(MetricNames.EVAL_PREFIX)) {
      name = MetricNames.EVAL_PREFIX + name;
    }
    boolean greater = greaterIsBetter != null ? greaterIsBetter : !name.endsWith("loss");
    return new EarlyStopping(patience, minDelta, name, greater);
  }

  /**
   * Where a run stands after the evaluations of {@code history}.
   *
   * @param bestStep the step of the best value (0 before the first evaluation)
   * @param bestValue the best value of the metric, or null before the first evaluation
   * @param withoutImprovement evaluations in a row that did not improve by more than minDelta
   */
  public record State(long bestStep, Double bestValue, int withoutImprovement) {}

  public State state(List<StepRecord> history) {
    long bestStep = 0;
    Double best = null;
    int without = 0;
    for (StepRecord r : history) {
      Double value = r.metric(metric);
      if (value == null) {
        continue;
      }
      double gain = best == null ? Double.POSITIVE_INFINITY : improvement(best, value);
      if (gain > minDelta) {
        without = 0;
      } else {
        without++;
      }
      if (gain > 0) {
        best = value;
        bestStep = r.step();
      }
    }
    return new State(bestStep, best, without);
  }

  /** How much better {@code value} is than {@code best}: negative when worse. */
  private double improvement(double best, double value) {
    return greaterIsBetter ? value - best : best - value;
  }

  public boolean exhausted(State state) {
    return state.withoutImprovement() >= patience;
  }
}
