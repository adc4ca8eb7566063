/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.train.Evaluator;
import dev.finetune.trainer.train.SftObjective;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** preset:// models: a loadable Hugging Face folder, one token per byte, the same on every run. */
class PresetsTest {
  @Test
  void aPresetIsALoadableModelWithAByteTokenizerAndAnUntrainedLoss(@TempDir Path cache)
      throws Exception {
    Path dir = Presets.materialize("preset://tiny-gpt2-bytes", cache);
    Path again = Presets.materialize("preset://tiny-gpt2-bytes", cache.resolve("other"));
    assertThat(Files.mismatch(dir.resolve("model.safetensors"), again.resolve("model.safetensors")))
        .as("the same weights everywhere")
        .isEqualTo(-1L);

    String text = "héllo, wörld\n";
    try (TextTokenizer tokenizer = TextTokenizer.load(dir);
        NDManager manager = NDManager.newBaseManager()) {
      long[] ids = tokenizer.encode(text);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      assertThat(ids).hasSize(bytes.length);
      for (int i = 0; i < bytes.length; i++) {
        assertThat(ids[i]).isEqualTo(bytes[i] & 0xFF);
      }
      assertThat(tokenizer.decode(ids)).isEqualTo(text);

      ModelLoader.LoadedModel model = ModelLoader.load(dir, manager);
      assertThat(model.block().config().eosTokenId()).isEqualTo(256);
      ExampleBuilder builder = new ExampleBuilder(tokenizer, 256, 64, ChatRenderer.forModel(dir));
      List<Example> examples = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        var json =
            new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("text", "line " + i + ": the quick brown fox jumps over the lazy dog");
        examples.add(
            builder.build(
                new dev.finetune.trainer.data.JsonlScan.Record(i + 1, json),
                dev.finetune.api.v1alpha1.DataFormat.TEXT));
      }
      double loss =
          new Evaluator(new SftObjective(), 4).evaluate(model.block(), examples, manager).loss();
      assertThat(loss).as("untrained: about ln(257)").isCloseTo(Math.log(257), within(0.1));
    }
  }

  @Test
  void anUnknownPresetNamesTheKnownOnes(@TempDir Path cache) {
    assertThatThrownBy(() -> Presets.materialize("preset://gpt5", cache))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("tiny-gpt2-bytes");
  }
}
