/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.EvaluationGate;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.GateRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromotionGateTest {
  private static GateRule rule(String task, String metric, Double minDelta) {
    GateRule rule = new GateRule();
    rule.setTask(task);
    rule.setMetric(metric);
    rule.setMinDelta(minDelta);
    return rule;
  }

  private static EvaluationGate gate(boolean notWorse, GateRule... rules) {
    EvaluationGate gate = new EvaluationGate();
    gate.setNotWorseThanBase(notWorse);
    gate.setRules(List.of(rules));
    return gate;
  }

  @Test
  void minDeltaIsTheLeastImprovementInTheMetricsBetterDirection() {
    List<EvaluationResult> results =
        List.of(
            new EvaluationResult("qa", "acc", 0.5, 0.625),
            new EvaluationResult("wiki", "perplexity", 40.0, 30.0),
            new EvaluationResult("validation", "loss", 3.0, 2.75));
    assertThat(
            PromotionGate.failures(
                gate(
                    true,
                    rule("qa", "acc", 0.125),
                    rule("wiki", "perplexity", 10.0),
                    rule("validation", "loss", 0.25)),
                results))
        .as("every improvement exactly the least asked for")
        .isEmpty();
    assertThat(PromotionGate.failures(gate(false, rule("wiki", "perplexity", 10.5)), results))
        .containsExactly(
            "wiki perplexity: tuned 30.00 vs base 40.00 (delta -10.00), needs an improvement of at"
                + " least 10.50");
    assertThat(PromotionGate.failures(gate(false, rule("qa", "acc", -0.5)), results))
        .as("a negative minDelta allows that much regression")
        .isEmpty();
  }

  @Test
  void aValueThatIsNotAFiniteNumberNeverPasses() {
    EvaluationResult diverged = new EvaluationResult("validation", "loss", 3.0, Double.NaN);
    EvaluationResult missing = new EvaluationResult();
    missing.setTask("qa");
    missing.setMetric("acc");
    missing.setTuned(0.5);
    assertThat(PromotionGate.measured(diverged)).isFalse();
    assertThat(PromotionGate.measured(missing)).isFalse();
    assertThat(PromotionGate.failures(gate(true), List.of(diverged, missing)))
        .containsExactly(
            "validation loss: tuned NaN vs base 3.000 (delta n/a), not a number",
            "qa acc: tuned 0.5000 vs base none (delta n/a), not a number");
    assertThat(
            PromotionGate.failures(
                gate(false, rule("validation", "loss", -100.0)), List.of(diverged)))
        .containsExactly("validation loss: tuned NaN vs base 3.000 (delta n/a), not a number");
    assertThat(PromotionGate.headline(List.of(diverged))).isEqualTo("validation loss n/a");
  }
}
