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
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.ModelLoader;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-sequence completion log-probabilities, what a preference objective and lm-eval-style scoring
 * compare: in a padded batch each row's sum is what the example scores alone (padding changes
 * nothing), and the SFT objective's summed loss is minus their total.
 */
class SequenceLogProbsFixtureTest {
  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama"})
  void eachRowScoresItsCompletionAsItWouldAloneAndSftIsMinusTheirSum(String name) throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(Fixtures.model(name))) {
      GradMode.offOnThisThread();
      ModelLoader.LoadedModel model = ModelLoader.load(Fixtures.model(name), manager);
      CausalLmBlock block = model.block();
      ExampleBuilder builder =
          new ExampleBuilder(
              tokenizer, block.config().eosTokenId(), 64, ChatRenderer.forModel(model.directory()));
      List<Example> examples =
          Datasets.load(
                  Fixtures.data("prompt_completion.jsonl"),
                  DataFormat.PROMPT_COMPLETION,
                  builder,
                  false)
              .examples()
              .stream()
              .filter(e -> e.scoredCount() > 0)
              .limit(6)
              .toList();
      assertThat(examples).hasSize(6);
      assertThat(examples.stream().mapToInt(Example::length).distinct().count())
          .as("rows of different lengths, so the batch is padded")
          .isGreaterThan(1);

      TokenBatch batch = TokenBatch.of(examples, manager);
      float[] rows =
          CausalLmLoss.sequenceLogProbs(
                  block.logits(batch.ids(), batch.positions(), batch.segments()), batch)
              .toFloatArray();
      assertThat(rows).hasSize(examples.size());
      double total = 0;
      for (int i = 0; i < examples.size(); i++) {
        TokenBatch one = TokenBatch.of(List.of(examples.get(i)), manager);
        float alone = CausalLmLoss.sequenceLogProbs(block.logits(one.ids()), one).getFloat();
        assertThat((double) rows[i]).as("row %d", i).isCloseTo(alone, within(1e-4));
        assertThat(alone).as("a log-probability").isNegative();
        total += rows[i];
      }

      NDArray sft = new SftObjective().forward(block, examples, manager).sum();
      assertThat((double) sft.getFloat()).isCloseTo(-total, within(1e-4));
    }
  }
}
