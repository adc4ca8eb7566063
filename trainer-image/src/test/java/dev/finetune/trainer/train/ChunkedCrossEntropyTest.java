/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chunk loop on synthetic numbers, against the loss written out in double precision. */
class ChunkedCrossEntropyTest {
  private static final int ROWS = 16;
  private static final int VOCAB = 10;
  private static final int WIDTH = 4;

  @Test
  void lossStaysExactWhereATargetsProbabilityUnderflowsFloat32() {
    Random random = new Random(7);
    float[] h = new float[ROWS * WIDTH];
    float[] w = new float[VOCAB * WIDTH];
    long[] targets = new long[ROWS];
    for (int i = 0; i < h.length; i++) {
      // Logits spread over hundreds: many targets' probabilities are far below 1e-38.
      h[i] = (float) (random.nextGaussian() * 12);
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * 4);
    }
    for (int i = 0; i < ROWS; i++) {
      targets[i] = random.nextInt(VOCAB);
    }
    double expected = 0;
    double smallestLogProbability = 0;
    for (int r = 0; r < ROWS; r++) {
      double[] logits = new double[VOCAB];
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < VOCAB; v++) {
        for (int k = 0; k < WIDTH; k++) {
          logits[v] += (double) h[r * WIDTH + k] * w[v * WIDTH + k];
        }
        max = Math.max(max, logits[v]);
      }
      double sum = 0;
      for (double logit : logits) {
        sum += Math.exp(logit - max);
      }
      double logProbability = logits[(int) targets[r]] - max - Math.log(sum);
      smallestLogProbability = Math.min(smallestLogProbability, logProbability);
      expected -= logProbability;
    }
    assertThat(smallestLogProbability).as("the data has an underflowing target").isLessThan(-100);

    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray hidden = manager.create(h).reshape(ROWS, WIDTH);
      NDArray weight = manager.create(w).reshape(VOCAB, WIDTH);
      boolean was = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try {
        ChunkedCrossEntropy.Chunks chunks =
            ChunkedCrossEntropy.Chunks.of(hidden, weight, manager.create(targets), 8);
        double loss = chunks.nllSum().getFloat();
        assertThat(loss).isFinite().isCloseTo(expected, within(1e-5 * expected));
      } finally {
        JniUtils.setGradMode(was);
      }
    }
  }
}
