/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.io.SafetensorsFile;
import dev.finetune.trainer.io.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen2 is Llama plus q/k/v biases. The tiny Llama turned into a Qwen2 checkpoint gives Llama's
 * logits with zero biases, and different ones once a bias is set: the biases are read and used.
 */
class Qwen2FixtureTest {
  @Test
  void qkvBiasesAreLoadedAndApplied(@TempDir Path dir) throws Exception {
    Path llama = Fixtures.model("tiny-llama");
    ObjectNode config =
        (ObjectNode) new ObjectMapper().readTree(llama.resolve("config.json").toFile());
    config.put("model_type", "qwen2");
    config.putArray("architectures").add("Qwen2ForCausalLM");
    Files.writeString(dir.resolve("config.json"), config.toString());

    assertThat(logits(withBiases(llama, dir, 0f))).containsExactly(logits(llama));
    assertThat(logits(withBiases(llama, dir, 0.5f))).isNotEqualTo(logits(llama));
  }

  private static Path withBiases(Path llama, Path dir, float value) throws Exception {
    SafetensorsFile file = SafetensorsFile.open(llama.resolve("model.safetensors"));
    Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
    for (String key : file.tensors().keySet()) {
      long[] shape = file.tensors().get(key).shape();
      tensors.put(key, new SafetensorsWriter.Tensor(shape, file.readFloats(key)));
      if (key.matches("model\\.layers\\.\\d+\\.self_attn\\.[qkv]_proj\\.weight")) {
        float[] bias = new float[(int) shape[0]];
        java.util.Arrays.fill(bias, value);
        tensors.put(
            key.replace(".weight", ".bias"),
            new SafetensorsWriter.Tensor(new long[] {shape[0]}, bias));
      }
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
    return dir;
  }

  private static float[] logits(Path modelDir) {
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = ModelLoader.load(modelDir, manager).block();
      long[] ids = {16190, 318, 10431, 284};
      return model.logits(manager.create(ids).reshape(1, 4)).get("0, 3, 0:16").toFloatArray();
    }
  }
}
