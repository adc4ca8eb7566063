/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.trainer.TrainerException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
  private static final String QWEN2 =
      """
      {"model_type": "qwen2", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 2,
       "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128, %s}
      """;

  @Test
  void theRopeBaseIsReadFromTransformers4AndTransformers5Configs(@TempDir Path dir)
      throws Exception {
    // head_dim 16: the second frequency is 1 / theta^(2/16).
    float expected = (float) (1 / Math.pow(1_000_000.0, 2.0 / 16));
    Files.writeString(dir.resolve("config.json"), QWEN2.formatted("\"rope_theta\": 1000000.0"));
    assertThat(secondFrequency(dir)).isEqualTo(expected);
    Files.writeString(
        dir.resolve("config.json"),
        QWEN2.formatted(
            "\"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}"));
    assertThat(secondFrequency(dir))
        .as("transformers 5's rope_parameters, not the 10000 default")
        .isEqualTo(expected);
  }

  private static float secondFrequency(Path dir) {
    return ModelConfig.read(dir).decoder().layers().get(0).rope().invFreq()[1];
  }

  @Test
  void anUnimplementedRopeInRopeParametersIsRefusedByName(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("config.json"),
        QWEN2.formatted(
            "\"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"yarn\"}"));
    assertThatThrownBy(() -> ModelConfig.read(dir))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining(
            "rope_parameters.rope_type \"yarn\" is not supported (supported: default, linear,"
                + " llama3)");
  }
}
