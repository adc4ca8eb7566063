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
    Files.writeString(dir.resolve("config.json"), QWEN2.formatted("\"rope_theta\": 1000000.0"));
    assertThat(ModelConfig.read(dir).ropeTheta()).isEqualTo(1_000_000.0);
    Files.writeString(
        dir.resolve("config.json"),
        QWEN2.formatted(
            "\"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}"));
    assertThat(ModelConfig.read(dir).ropeTheta())
        .as("transformers 5's rope_parameters, not the 10000 default")
        .isEqualTo(1_000_000.0);
  }

  @Test
  void aScaledRopeInRopeParametersIsRefusedByName(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("config.json"),
        QWEN2.formatted(
            "\"rope_parameters\": {\"rope_theta\": 500000.0, \"rope_type\": \"llama3\"}"));
    assertThatThrownBy(() -> ModelConfig.read(dir))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("rope_parameters.rope_type \"llama3\" is not supported");
  }
}
