/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepGradientsTest {
  @Test
  void sumsTheMicroBatchesGradientsAndGivesZerosToAnUnusedParameter() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray w = manager.create(new float[] {1, -2, 3, 0.5f, 4, -1}).reshape(2, 3);
      NDArray b = manager.create(new float[] {0.25f, -0.75f});
      NDArray unused = manager.create(new float[] {7, 8, 9});
      List<NDArray> params = List.of(w, b, unused);
      params.forEach(p -> p.setRequiresGradient(true));
      NDArray x = manager.create(new float[] {2, 0, -1, 1, 3, 0.5f}).reshape(2, 3);
      try (NDManager step = manager.newSubManager();
          StepGradients gradients = new StepGradients(params, step)) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          // d/dw Σ w⊙x = x, d/db Σ 3b = 3
          gradients.backward(w.mul(x).sum().add(b.mul(3).sum()));
          // d/dw Σ w² = 2w, d/db Σ b² = 2b
          gradients.backward(w.square().sum().add(b.square().sum()));
        }
        List<NDArray> sums = gradients.sums();
        assertArrayEquals(
            new float[] {2 + 2, 0 - 4, -1 + 6, 1 + 1, 3 + 8, 0.5f - 2},
            sums.get(0).toFloatArray(),
            "w: x + 2w");
        assertArrayEquals(
            new float[] {3 + 0.5f, 3 - 1.5f}, sums.get(1).toFloatArray(), "b: 3 + 2b");
        assertArrayEquals(new float[3], sums.get(2).toFloatArray(), "a parameter not used: zeros");
      }
    }
  }
}
