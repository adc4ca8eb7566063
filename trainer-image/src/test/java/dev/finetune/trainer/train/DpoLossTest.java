/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.ObjectiveType;
import org.junit.jupiter.api.Test;

/**
 * Each DPO loss type computes TRL 1.13's formula (dpo_trainer.py, {@code _compute_loss}) from the
 * log-ratios, checked against the same formula in plain double arithmetic.
 */
class DpoLossTest {
  // Log-ratios log π − log π_ref of three pairs' chosen and rejected completions.
  private static final float[] CHOSEN = {1.5f, -0.25f, 4f};
  private static final float[] REJECTED = {-2f, 0.75f, -30f};
  private static final float[] CHOSEN_TOKENS = {3, 5, 1};
  private static final float[] REJECTED_TOKENS = {4, 2, 7};

  @Test
  void sigmoidIsMinusLogSigmoidOfBetaDelta() {
    double beta = 0.1;
    double[] got = losses(DpoLoss.SIGMOID, beta, 0);
    for (int i = 0; i < 3; i++) {
      double delta = CHOSEN[i] - REJECTED[i];
      assertThat(got[i]).as("pair " + i).isCloseTo(-logSigmoid(beta * delta), within(1e-6));
    }
  }

  @Test
  void hingeIsReluOfOneMinusBetaDelta() {
    double beta = 0.5;
    double[] got = losses(DpoLoss.HINGE, beta, 0);
    for (int i = 0; i < 3; i++) {
      double delta = CHOSEN[i] - REJECTED[i];
      assertThat(got[i]).as("pair " + i).isCloseTo(Math.max(0, 1 - beta * delta), within(1e-6));
    }
    assertThat(got[2]).as("a margin beyond 1/beta costs nothing").isZero();
  }

  @Test
  void ipoAveragesLogRatiosPerCompletionTokenAndSquaresTheGapToOneOverTwoBeta() {
    double beta = 0.1;
    double[] got = losses(DpoLoss.IPO, beta, 0);
    for (int i = 0; i < 3; i++) {
      double delta = CHOSEN[i] / CHOSEN_TOKENS[i] - REJECTED[i] / REJECTED_TOKENS[i];
      double expected = Math.pow(delta - 1 / (2 * beta), 2);
      assertThat(got[i]).as("pair " + i).isCloseTo(expected, within(1e-4 * expected));
    }
  }

  @Test
  void robustUnbiasesTheSigmoidLossForFlippedLabels() {
    double beta = 0.2;
    double eps = 0.1;
    double[] got = losses(DpoLoss.ROBUST, beta, eps);
    for (int i = 0; i < 3; i++) {
      double z = beta * (CHOSEN[i] - REJECTED[i]);
      double expected = (-(1 - eps) * logSigmoid(z) + eps * logSigmoid(-z)) / (1 - 2 * eps);
      assertThat(got[i]).as("pair " + i).isCloseTo(expected, within(1e-6));
    }
    // With no flips assumed it is the sigmoid loss.
    double[] plain = losses(DpoLoss.ROBUST, beta, 0);
    double[] sigmoid = losses(DpoLoss.SIGMOID, beta, 0);
    assertThat(plain).containsExactly(sigmoid, within(1e-7));
  }

  @Test
  void atTheStartEveryLossHasItsKnownValue() {
    // Policy = reference: every log-ratio is 0.
    float[] zero = {0f, 0f};
    float[] ones = {1, 1};
    try (NDManager m = NDManager.newBaseManager()) {
      for (DpoLoss type : DpoLoss.values()) {
        ObjectiveOptions options = new ObjectiveOptions(ObjectiveType.DPO, 0.1, type, 0.1);
        float[] l =
            DpoObjective.loss(
                    options,
                    m.create(zero, new Shape(2)),
                    m.create(zero, new Shape(2)),
                    ones,
                    ones,
                    m)
                .toFloatArray();
        double expected =
            switch (type) {
              case SIGMOID, ROBUST -> Math.log(2);
              case HINGE -> 1;
              case IPO -> Math.pow(1 / (2 * 0.1), 2);
            };
        assertThat((double) l[0]).as(type.wireName()).isCloseTo(expected, within(1e-6));
      }
    }
  }

  private static double[] losses(DpoLoss type, double beta, double labelSmoothing) {
    try (NDManager m = NDManager.newBaseManager()) {
      ObjectiveOptions options =
          new ObjectiveOptions(ObjectiveType.DPO, beta, type, labelSmoothing);
      float[] l =
          DpoObjective.loss(
                  options,
                  m.create(CHOSEN, new Shape(3)),
                  m.create(REJECTED, new Shape(3)),
                  CHOSEN_TOKENS,
                  REJECTED_TOKENS,
                  m)
              .toFloatArray();
      double[] out = new double[l.length];
      for (int i = 0; i < l.length; i++) {
        out[i] = l[i];
      }
      return out;
    }
  }

  private static double logSigmoid(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }
}
