/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The early-stopping state as a function of the evaluations in the log. */
class EarlyStoppingTest {
  private static List<StepRecord> evals(double... losses) {
    List<StepRecord> history = new ArrayList<>();
    for (int i = 0; i < losses.length; i++) {
      history.add(StepRecord.train(i + 1, 0, 1e-3, 10, Map.of("loss", 1.0, "grad_norm", 1.0)));
      history.add(StepRecord.eval(i + 1, 0, Map.of("loss", losses[i], "tokens", 10)));
    }
    return history;
  }

  @Test
  void countsEvaluationsWithoutImprovementSinceTheBest() {
    EarlyStopping policy = new EarlyStopping(2, 0);
    EarlyStopping.State state = policy.state(evals(3.0, 2.0, 2.5, 2.4));
    assertThat(state.bestStep()).isEqualTo(2);
    assertThat(state.bestValue()).isEqualTo(2.0);
    assertThat(state.withoutImprovement()).isEqualTo(2);
    assertThat(policy.exhausted(state)).isTrue();
    assertThat(policy.exhausted(policy.state(evals(3.0, 2.0, 2.5)))).isFalse();
  }

  @Test
  void anImprovementResetsTheCount() {
    EarlyStopping.State state = new EarlyStopping(2, 0).state(evals(3.0, 3.1, 2.9, 3.0));
    assertThat(state.bestStep()).isEqualTo(3);
    assertThat(state.withoutImprovement()).isEqualTo(1);
  }

  @Test
  void minDeltaDecidesTheCountButAnyDecreaseMakesTheBestModel() {
    EarlyStopping.State state = new EarlyStopping(5, 0.1).state(evals(3.0, 2.95, 2.92));
    assertThat(state.withoutImprovement()).isEqualTo(2);
    assertThat(state.bestStep()).isEqualTo(3);
    assertThat(state.bestValue()).isEqualTo(2.92);
  }

  @Test
  void noEvaluationNoBest() {
    EarlyStopping.State state = new EarlyStopping(1, 0).state(List.of());
    assertThat(state.bestValue()).isNull();
    assertThat(new EarlyStopping(1, 0).exhausted(state)).isFalse();
  }

  @Test
  void aMetricWhereGreaterIsBetterIsWatchedByItsName() {
    // What a preference objective logs: the share of pairs ranked right, beside the eval loss.
    List<StepRecord> history = new ArrayList<>();
    double[] accuracies = {0.5, 0.75, 0.74, 0.76, 0.755};
    for (int i = 0; i < accuracies.length; i++) {
      history.add(
          StepRecord.eval(i + 1, 0, Map.of("loss", 1.0 - i, "rewards/accuracies", accuracies[i])));
    }
    EarlyStopping policy = new EarlyStopping(2, 0.02, "eval_rewards/accuracies", true);
    EarlyStopping.State state = policy.state(history);
    assertThat(state.bestStep()).as("the highest accuracy, not the lowest loss").isEqualTo(4);
    assertThat(state.bestValue()).isEqualTo(0.76);
    // 0.76 is the best but not 0.02 above 0.75: three evaluations in a row without an improvement
    // that counts.
    assertThat(state.withoutImprovement()).isEqualTo(3);
    assertThat(policy.exhausted(state)).isTrue();
  }
}
