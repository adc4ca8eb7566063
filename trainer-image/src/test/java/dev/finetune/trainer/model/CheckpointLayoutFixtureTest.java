/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.SafetensorsFile;
import dev.finetune.trainer.io.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same weights load from a single file, from shards, and with GPT-2's transformer. prefix. */
class CheckpointLayoutFixtureTest {
  @TempDir Path dir;

  @Test
  void shardedCheckpointGivesTheSameLogits() throws Exception {
    Path source = Fixtures.model("tiny-llama");
    SafetensorsFile file = SafetensorsFile.open(source.resolve("model.safetensors"));
    List<String> keys = List.copyOf(file.tensors().keySet());
    Map<String, SafetensorsWriter.Tensor> first = new LinkedHashMap<>();
    Map<String, SafetensorsWriter.Tensor> second = new LinkedHashMap<>();
    var weightMap = new ObjectMapper().createObjectNode();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      var target = i % 2 == 0 ? first : second;
      target.put(
          key, new SafetensorsWriter.Tensor(file.tensors().get(key).shape(), file.readFloats(key)));
      weightMap.put(
          key,
          i % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first);
    SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second);
    var index = new ObjectMapper().createObjectNode();
    index.set("weight_map", weightMap);
    Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
    Files.copy(source.resolve("config.json"), dir.resolve("config.json"));

    assertThat(lastLogits(dir)).containsExactly(lastLogits(source));
  }

  @Test
  void gpt2KeysWithTransformerPrefixLoadAndSaveBackTheSameWay() throws Exception {
    Path source = Fixtures.model("tiny-gpt2");
    SafetensorsFile file = SafetensorsFile.open(source.resolve("model.safetensors"));
    Map<String, SafetensorsWriter.Tensor> prefixed = new LinkedHashMap<>();
    for (String key : file.tensors().keySet()) {
      prefixed.put(
          "transformer." + key,
          new SafetensorsWriter.Tensor(file.tensors().get(key).shape(), file.readFloats(key)));
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), prefixed);
    Files.copy(source.resolve("config.json"), dir.resolve("config.json"));
    assertThat(lastLogits(dir)).containsExactly(lastLogits(source));
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThat(ModelLoader.load(dir, manager).keys().toCheckpoint("wte.weight"))
          .isEqualTo("transformer.wte.weight");
    }
  }

  @Test
  void missingTensorsAndUnknownArchitecturesAreConfigErrors() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
    assertThatThrownBy(() -> ModelConfig.read(dir))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("model_type \"bert\" is not supported");
    Files.copy(
        Fixtures.model("tiny-gpt2").resolve("config.json"),
        dir.resolve("config.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        Map.of("wte.weight", new SafetensorsWriter.Tensor(new long[] {1}, new float[] {0})));
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> ModelLoader.load(dir, manager))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("wte.weight has shape [1], config.json says [50257, 64]");
    }
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        Map.of(
            "wte.weight",
            new SafetensorsWriter.Tensor(new long[] {50257, 64}, new float[50257 * 64])));
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> ModelLoader.load(dir, manager))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("the checkpoint has no tensor wpe.weight");
    }
  }

  private static float[] lastLogits(Path modelDir) {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = ModelLoader.load(modelDir, manager).block();
      long[] ids = {16190, 318, 10431, 284};
      return model.logits(manager.create(ids).reshape(1, 4)).get("0, 3, 0:16").toFloatArray();
    }
  }
}
