/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.model.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fused step against torch.optim.AdamW's arithmetic, written out in double precision. */
class AdamWTest {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;
  private static final double DECAY = 0.01;

  @Test
  void stepsAsTorchAdamWWithClippedGradientsAndZeroesThem() {
    float[] w0 = {0.5f, -1.25f, 2f, 0.125f, -0.75f, 3f};
    float[] b0 = {0.1f, -0.2f};
    float[][] gradsPerStep = {
      {0.3f, -0.1f, 0.05f, 1.5f, -2f, 0.01f, 0.7f, -0.4f},
      {-0.2f, 0.6f, 0.15f, -1f, 0.5f, 0.02f, -0.3f, 0.9f},
      {0.05f, 0.05f, -0.5f, 0.25f, 1f, -0.03f, 0.2f, 0.1f}
    };
    double[] factors = {1.0, 0.25, 0.5};
    double[] lrs = {1e-2, 5e-3, 2e-3};
    double[] expected = new double[8];
    for (int i = 0; i < 6; i++) {
      expected[i] = w0[i];
    }
    expected[6] = b0[0];
    expected[7] = b0[1];
    double[] m = new double[8];
    double[] v = new double[8];

    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w", manager.create(w0).reshape(2, 3));
      params.put("b", manager.create(b0));
      AdamW adamW = new AdamW(BETA1, BETA2, EPS, DECAY, manager);
      for (int t = 1; t <= 3; t++) {
        float[] g = gradsPerStep[t - 1];
        NDArray gw = manager.create(java.util.Arrays.copyOfRange(g, 0, 6)).reshape(2, 3);
        NDArray gb = manager.create(java.util.Arrays.copyOfRange(g, 6, 8));
        double factor = factors[t - 1];
        adamW.step(
            params, List.of(gw, gb), Scalars.of(manager, factor), factor != 1.0, lrs[t - 1], true);
        for (int i = 0; i < 8; i++) {
          double grad = g[i] * factor;
          expected[i] *= 1 - lrs[t - 1] * DECAY;
          m[i] = BETA1 * m[i] + (1 - BETA1) * grad;
          v[i] = BETA2 * v[i] + (1 - BETA2) * grad * grad;
          double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(BETA2, t)) + EPS;
          expected[i] -= lrs[t - 1] / (1 - Math.pow(BETA1, t)) * m[i] / denom;
        }
        assertArrayEquals(new float[6], gw.toFloatArray(), "the step zeroes the gradients");
        assertArrayEquals(new float[2], gb.toFloatArray());
      }
      float[] w = params.get("w").toFloatArray();
      float[] b = params.get("b").toFloatArray();
      for (int i = 0; i < 6; i++) {
        assertEquals(expected[i], w[i], 1e-6 * Math.abs(expected[i]) + 1e-7, "w[" + i + "]");
      }
      assertEquals(expected[6], b[0], 1e-6 * Math.abs(expected[6]) + 1e-7);
      assertEquals(expected[7], b[1], 1e-6 * Math.abs(expected[7]) + 1e-7);
      // The moments are torch's exp_avg and exp_avg_sq (a checkpoint saves them for resume).
      float[] savedFirst = adamW.firstMoments().get("b").toFloatArray();
      float[] savedSecond = adamW.secondMoments().get("b").toFloatArray();
      assertEquals(m[7], savedFirst[1], 1e-6 * Math.abs(m[7]));
      assertEquals(v[7], savedSecond[1], 1e-6 * Math.abs(v[7]));
    }
  }

  @Test
  void gradientNormIsTheNormOfAllGradientsTogether() {
    try (NDManager manager = NDManager.newBaseManager()) {
      AdamW adamW = new AdamW(BETA1, BETA2, EPS, DECAY, manager);
      NDArray a = manager.create(new float[] {3, 4});
      NDArray b = manager.create(new float[] {12}).reshape(1, 1);
      assertEquals(13.0, adamW.gradNorm(List.of(a, b)).getFloat(), 1e-6);
    }
  }

  @Test
  void leavesTheGradientsAsTheyAreWhenTheyAreNotParametersGrad() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w", manager.create(new float[] {0.5f, -1.25f}));
      NDArray g = manager.create(new float[] {0.3f, -0.1f});
      new AdamW(BETA1, BETA2, EPS, DECAY, manager)
          .step(params, List.of(g), Scalars.of(manager, 0.5), true, 1e-2, false);
      // Multiplied by the clipping factor, not zeroed.
      assertArrayEquals(new float[] {0.15f, -0.05f}, g.toFloatArray(), 1e-7f);
    }
  }
}
