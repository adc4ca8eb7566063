/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chunked SFT loss against the path through the full logits ({@link CausalLmLoss}): the same
 * loss value and the same gradient for every trainable array, on a tied head (tiny-gpt2: the token
 * embedding gets the head's gradient and the embedding's, summed; also tiny-mistral-swa, tied with
 * 8 hidden units), an untied one (tiny-llama) and under LoRA (the head frozen: only the adapter's
 * gradients). Two padded examples, each scoring only part of its tokens (37 scored positions), in
 * chunks of 16 rows (the last reaching back into the one before it).
 *
 * <p>Tolerances: the loss to 1e-6 relative; each gradient array to {@link #GRADIENT_TOLERANCE} of
 * its largest entry (measured: at most 6e-7; the two paths sum the weight's gradient in a different
 * order).
 */
class ChunkedCrossEntropyFixtureTest {
  private static final double LOSS_TOLERANCE = 1e-6;
  private static final double GRADIENT_TOLERANCE = 1e-5;
  private static final long ROWS = 12;

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama", "tiny-mistral-swa"})
  void fullFineTuneMatchesThePathThroughTheLogits(String name) {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = ModelLoader.load(Fixtures.model(name), manager).block();
      Map<String, NDArray> trainable = new LinkedHashMap<>();
      model.parametersByName().forEach((key, p) -> trainable.put(key, p.getArray()));
      assertThat(model.plainHead()).isTrue();
      compare(model, trainable, manager);
    }
  }

  @Test
  void loraMatchesThePathThroughTheLogitsWithTheHeadFrozen() {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = ModelLoader.load(Fixtures.model("tiny-llama"), manager).block();
      LoraAdapter adapter = LoraAdapter.load(Fixtures.adapter("tiny-llama-lora"), model, manager);
      model.setAdapter(adapter);
      Map<String, NDArray> trainable = new LinkedHashMap<>();
      adapter
          .modules()
          .forEach(
              (module, pair) -> {
                trainable.put(module + ".lora_A", pair.a());
                trainable.put(module + ".lora_B", pair.b());
              });
      compare(model, trainable, manager);
      assertThat(model.headWeight().hasGradient()).isFalse();
    }
  }

  /**
   * The hidden states' gradient is as close to a float64 reference as the path through the logits
   * (chunk shapes decide this: see {@link ChunkedCrossEntropy#MIN_ROWS}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama", "tiny-mistral-swa", "tiny-qwen3"})
  void hiddenGradientIsAsAccurateAsThroughTheLogits(String name) {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = ModelLoader.load(Fixtures.model(name), manager).block();
      TokenBatch batch = TokenBatch.of(examples(new Random(42)), manager);
      NDArray hidden = model.hiddenStates(batch.ids(), batch.positions(), batch.segments());
      NDArray weight = model.headWeight();
      double[] reference = float64Gradient(hidden, weight, batch);
      hidden.setRequiresGradient(true);
      weight.setRequiresGradient(true);
      double[] errors = new double[2];
      for (int k = 0; k < 2; k++) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(
              k == 0
                  ? CausalLmLoss.nllSum(model.head(hidden), batch)
                  : ChunkedCrossEntropy.nllSum(hidden, weight, batch, ROWS));
        }
        NDArray gradient = hidden.getGradient();
        float[] values = gradient.toFloatArray();
        gradient.muli(Scalars.of(manager, 0));
        double largest = 0;
        for (int i = 0; i < reference.length; i++) {
          largest = Math.max(largest, Math.abs(reference[i]));
          errors[k] = Math.max(errors[k], Math.abs(reference[i] - values[i]));
        }
        errors[k] /= largest;
      }
      GradMode.offOnThisThread();
      assertThat(errors[1])
          .as("chunked error against float64 (through the logits: %s)", errors[0])
          .isLessThanOrEqualTo(2 * errors[0] + 1e-7);
    }
  }

  private static double[] float64Gradient(NDArray hidden, NDArray weight, TokenBatch batch) {
    NDArray h = hidden.stopGradient().toType(DataType.FLOAT64, true);
    NDArray w = weight.stopGradient().toType(DataType.FLOAT64, true);
    h.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray logp = h.matMul(w.transpose()).logSoftmax(2);
      NDArray picked = logp.gather(batch.nextIds().expandDims(2), 2).squeeze(2);
      collector.backward(
          picked.mul(batch.nextScored().toType(DataType.FLOAT64, false)).sum().neg());
    }
    GradMode.offOnThisThread();
    return h.getGradient().toDoubleArray();
  }

  /** Evaluation records no gradients: SftObjective keeps the path through the logits there. */
  @Test
  void evaluationKeepsThePathThroughTheLogits() {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = ModelLoader.load(Fixtures.model("tiny-gpt2"), manager).block();
      List<Example> examples = examples(new Random(7));
      GradMode.offOnThisThread();
      try (NDManager step = manager.newSubManager()) {
        float viaObjective = new SftObjective().forward(model, examples, step).sum().getFloat();
        TokenBatch batch = TokenBatch.of(examples, step);
        float eager =
            CausalLmLoss.nllSum(
                    model.logits(batch.ids(), batch.positions(), batch.segments()), batch)
                .getFloat();
        assertThat(viaObjective).isEqualTo(eager);
      }
    }
  }

  private static void compare(
      CausalLmBlock model, Map<String, NDArray> trainable, NDManager manager) {
    trainable.values().forEach(a -> a.setRequiresGradient(true));
    List<Example> examples = examples(new Random(42));
    long weight = examples.stream().mapToLong(Example::scoredCount).sum();
    Pass eager =
        pass(
            model,
            trainable,
            examples,
            weight,
            manager,
            batch ->
                CausalLmLoss.nllSum(
                    model.logits(batch.ids(), batch.positions(), batch.segments()), batch));
    Pass chunked =
        pass(
            model,
            trainable,
            examples,
            weight,
            manager,
            batch ->
                ChunkedCrossEntropy.nllSum(
                    model.hiddenStates(batch.ids(), batch.positions(), batch.segments()),
                    model.headWeight(),
                    batch,
                    ROWS));
    assertThat(chunked.loss())
        .as("summed NLL")
        .isCloseTo(eager.loss(), within(LOSS_TOLERANCE * Math.abs(eager.loss())));
    for (String key : trainable.keySet()) {
      float[] expected = eager.gradients().get(key);
      float[] actual = chunked.gradients().get(key);
      double largest = 0;
      double difference = 0;
      for (int i = 0; i < expected.length; i++) {
        largest = Math.max(largest, Math.abs(expected[i]));
        difference = Math.max(difference, Math.abs(expected[i] - actual[i]));
      }
      assertThat(largest).as("gradient of %s is not all zero", key).isPositive();
      assertThat(difference)
          .as("largest difference in the gradient of %s (largest entry %s)", key, largest)
          .isLessThanOrEqualTo(GRADIENT_TOLERANCE * largest);
    }
  }

  private record Pass(double loss, Map<String, float[]> gradients) {}

  /** One forward and backward pass as the training loop runs it: loss / weight is the root. */
  private static Pass pass(
      CausalLmBlock model,
      Map<String, NDArray> trainable,
      List<Example> examples,
      long weight,
      NDManager manager,
      Function<TokenBatch, NDArray> loss) {
    Map<String, float[]> gradients = new LinkedHashMap<>();
    double value;
    try (NDManager step = manager.newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      TokenBatch batch = TokenBatch.of(examples, step);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray sum = loss.apply(batch);
        value = sum.getFloat();
        collector.backward(sum.div(Scalars.of(step, weight)));
      }
      for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
        NDArray gradient = e.getValue().getGradient();
        gradients.put(e.getKey(), gradient.toFloatArray());
        gradient.muli(Scalars.of(step, 0));
      }
    }
    GradMode.offOnThisThread();
    return new Pass(value, gradients);
  }

  /**
   * Two examples of different lengths (the shorter padded), each scoring only a part: the second
   * half of the first, a middle stretch of the second.
   */
  private static List<Example> examples(Random random) {
    List<Example> examples = new ArrayList<>();
    int[][] shapes = {{40, 20, 40}, {29, 5, 22}};
    for (int i = 0; i < shapes.length; i++) {
      int length = shapes[i][0];
      long[] ids = random.longs(length, 0, 50257).toArray();
      boolean[] scored = new boolean[length];
      for (int t = shapes[i][1]; t < shapes[i][2]; t++) {
        scored[t] = true;
      }
      examples.add(new Example(i, ids, scored, false));
    }
    return examples;
  }
}
