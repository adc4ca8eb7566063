/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.ModelLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Regression guard: with DJL's {@code op(Number)} in the forward pass, a garbage collection between
 * forward and backward freed the memory of scalars autograd still held, and gradients came out NaN
 * in roughly one run in three (see {@code Scalars}). Here the collector runs at exactly that moment
 * on every step.
 */
class NativeScalarsRegressionTest {
  @Test
  void gradientsStayFiniteWhenTheCollectorRunsBetweenForwardAndBackward() {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = ModelLoader.load(Fixtures.model("tiny-gpt2"), manager).block();
      model.parametersByName().values().forEach(p -> p.getArray().setRequiresGradient(true));
      Random random = new Random(1234);
      for (int step = 0; step < 25; step++) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          long[] ids = random.longs(48, 0, 50257).toArray();
          boolean[] scored = new boolean[48];
          Arrays.fill(scored, 1, 48, true);
          examples.add(new Example(i, ids, scored, false));
        }
        try (NDManager stepManager = manager.newSubManager();
            NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          TokenBatch batch = TokenBatch.of(examples, stepManager);
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = CausalLmLoss.nllSum(model.logits(batch.ids()), batch);
            System.gc();
            collector.backward(loss);
          }
          for (var e : model.parametersByName().entrySet()) {
            NDArray grad = e.getValue().getArray().getGradient();
            assertThat(grad.isNaN().any().getBoolean() || grad.isInfinite().any().getBoolean())
                .as("gradient of %s at step %d is finite", e.getKey(), step)
                .isFalse();
            grad.muli(dev.finetune.trainer.model.Scalars.of(stepManager, 0));
          }
        }
      }
    }
  }
}
