/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.SequencePacker;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.ModelLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A packed sequence computes exactly what its examples compute unpacked: every scored token's
 * log-probability equal within 1e-5, for learned positions (GPT-2), RoPE (Llama), sliding windows
 * and q/k norms (Gemma 3) and partial rotary with longrope (Phi-3); and the batch loss the trainer
 * takes is the same sum.
 */
class PackingFixtureTest {
  private static final int EXAMPLE_LENGTH = 40;
  private static final int PACKED_LENGTH = 128;

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama", "tiny-gemma3", "tiny-phi3"})
  void packedSequencesScoreEachTokenAsTheExamplesAlone(String name) throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(Fixtures.model(name))) {
      ModelLoader.LoadedModel model = ModelLoader.load(Fixtures.model(name), manager);
      CausalLmBlock block = model.block();
      List<Example> examples = examples(tokenizer, model);
      List<Example> packed = SequencePacker.pack(examples, PACKED_LENGTH);
      assertThat(packed.size()).as("several examples per sequence").isLessThan(examples.size() / 2);

      // Unpacked: each example alone; the scored tokens' log-probabilities in packing order.
      List<Float> alone = new ArrayList<>();
      List<Float> together = new ArrayList<>();
      TokenBatch batch = TokenBatch.of(packed, manager);
      NDArray logp = block.logits(batch.ids(), batch.positions(), batch.segments()).logSoftmax(2);
      for (int row = 0; row < packed.size(); row++) {
        Example p = packed.get(row);
        int start = 0;
        while (start < p.length()) {
          int end = start;
          while (end < p.length() && p.segments()[end] == p.segments()[start]) {
            end++;
          }
          long[] ids = java.util.Arrays.copyOfRange(p.ids(), start, end);
          NDArray single = block.logits(manager.create(ids).reshape(1, ids.length)).logSoftmax(2);
          for (int t = 1; t < ids.length; t++) {
            if (p.scored()[start + t]) {
              alone.add(single.getFloat(0, t - 1, ids[t]));
              together.add(logp.getFloat(row, start + t - 1, ids[t]));
            }
          }
          start = end;
        }
      }
      int scored = examples.stream().mapToInt(Example::scoredCount).sum();
      assertThat(alone).hasSize(scored);
      for (int i = 0; i < alone.size(); i++) {
        assertThat((double) together.get(i))
            .as("token %d", i)
            .isCloseTo(alone.get(i), within(1e-5));
      }

      double packedLoss =
          CausalLmLoss.nllSum(block.logits(batch.ids(), batch.positions(), batch.segments()), batch)
              .getFloat();
      double sum = 0;
      for (Example e : examples) {
        TokenBatch one = TokenBatch.of(List.of(e), manager);
        sum += CausalLmLoss.nllSum(block.logits(one.ids()), one).getFloat();
      }
      assertThat(batch.scoredCount()).isEqualTo(scored);
      assertThat(packedLoss).isCloseTo(sum, within(1e-5 * scored));
    }
  }

  @Test
  void bestFitDecreasingFillsTheFullestSequenceThatFits() {
    List<Example> examples = new ArrayList<>();
    int line = 1;
    for (int length : new int[] {6, 5, 4, 3, 2, 2}) {
      examples.add(new Example(line++, new long[length], new boolean[length], false));
    }
    List<Example> packed = SequencePacker.pack(examples, 8);
    // 6 opens A; 5 opens B; 4 opens C; 3 fits B (room 3, the least); 2 fits A (room 2); 2 fits C.
    assertThat(packed).extracting(Example::length).containsExactly(8, 8, 6);
    assertThat(packed.get(0).segments()).containsExactly(0, 0, 0, 0, 0, 0, 1, 1);
    assertThat(packed).extracting(Example::line).containsExactly(1L, 2L, 3L);
  }

  private static List<Example> examples(TextTokenizer tokenizer, ModelLoader.LoadedModel model)
      throws Exception {
    ExampleBuilder builder =
        new ExampleBuilder(
            tokenizer,
            model.block().config().eosTokenId(),
            EXAMPLE_LENGTH,
            ChatRenderer.forModel(model.directory()));
    return Datasets.load(Fixtures.data("text.jsonl"), DataFormat.TEXT, builder, false)
        .examples()
        .subList(0, 24);
  }
}
