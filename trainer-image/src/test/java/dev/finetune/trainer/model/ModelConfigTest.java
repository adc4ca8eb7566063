/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.DecoderOptions.LayerAttention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /**
   * transformers 5 writes one rope_parameters object (per layer type for Gemma 3) where 4.x wrote
   * rope_theta + rope_scaling (+ rope_local_base_freq): both give the same tables per layer.
   */
  @ParameterizedTest
  @CsvSource({
    "tiny-llama3, '{\"rope_type\": \"llama3\", \"rope_theta\": 10000.0, \"factor\": 8.0,"
        + " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
        + " \"original_max_position_embeddings\": 64}'",
    "tiny-gemma3, '{\"full_attention\": {\"rope_type\": \"default\", \"rope_theta\": 1000000.0},"
        + " \"sliding_attention\": {\"rope_type\": \"default\", \"rope_theta\": 10000.0}}'",
    "tiny-phi3, '{\"rope_type\": \"longrope\", \"rope_theta\": 10000.0, \"short_factor\": [1.0,"
        + " 1.6, 2.8], \"long_factor\": [1.1, 4.0, 12.0], \"partial_rotary_factor\": 0.75,"
        + " \"original_max_position_embeddings\": 256}'"
  })
  void transformers5RopeParametersGiveTheSameTables(
      String fixture, String ropeParameters, @TempDir Path dir) throws Exception {
    Path model = Fixtures.model(fixture);
    ObjectNode v5 = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
    for (String key :
        List.of(
            "rope_theta",
            "rope_scaling",
            "rope_local_base_freq",
            "partial_rotary_factor",
            "original_max_position_embeddings")) {
      v5.remove(key);
    }
    v5.set("rope_parameters", JSON.readTree(ropeParameters));
    Files.writeString(dir.resolve("config.json"), v5.toString());

    List<LayerAttention> expected = ModelConfig.read(model).decoder().layers();
    List<LayerAttention> actual = ModelConfig.read(dir).decoder().layers();
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      RotaryEmbedding e = expected.get(i).rope();
      RotaryEmbedding a = actual.get(i).rope();
      assertThat(a.dim()).as("layer %d rotary dim", i).isEqualTo(e.dim());
      assertThat(a.invFreq()).as("layer %d frequencies", i).containsExactly(e.invFreq());
      assertThat(a.attentionFactor()).isEqualTo(e.attentionFactor());
      assertThat(actual.get(i).slidingWindow()).isEqualTo(expected.get(i).slidingWindow());
    }
    assertThat(expected)
        .as("some layer of the fixture has other than the default RoPE")
        .anySatisfy(
            layer ->
                assertThat(layer.rope().invFreq())
                    .isNotEqualTo(RotaryEmbedding.defaultInvFreq(10000, layer.rope().dim())));
  }

  /**
   * A multimodal Gemma 3 config in the shape google/gemma-3-4b-it ships: its text_config lists only
   * what differs from Gemma3TextConfig's defaults, which fill in the rest.
   */
  @Test
  void aMultimodalGemma3TextConfigTakesTheClassDefaults(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("config.json"),
        """
        {"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
         "eos_token_id": [1, 106], "mm_tokens_per_image": 256,
         "text_config": {"hidden_size": 2560, "intermediate_size": 10240,
           "model_type": "gemma3_text", "num_hidden_layers": 34,
           "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024},
         "vision_config": {"model_type": "siglip_vision_model"}}
        """);
    ModelConfig c = ModelConfig.read(dir);
    assertThat(c.textOfMultimodal()).isTrue();
    assertThat(c.vocabSize()).isEqualTo(262208);
    assertThat(c.hiddenSize()).isEqualTo(2560);
    assertThat(c.layers()).isEqualTo(34);
    assertThat(c.heads()).isEqualTo(8);
    assertThat(c.kvHeads()).isEqualTo(4);
    assertThat(c.headDim()).isEqualTo(256);
    assertThat(c.eosTokenId()).isEqualTo(1);
    assertThat(c.decoder().attentionScale()).isEqualTo(1 / Math.sqrt(256));
    List<LayerAttention> layers = c.decoder().layers();
    assertThat(layers.get(0).slidingWindow()).isEqualTo(1024);
    assertThat(layers.get(5).slidingWindow()).as("every sixth layer is global").isZero();
    // Global layers: theta 1e6 with linear scaling 8; sliding layers: theta 1e4, unscaled.
    assertThat(layers.get(5).rope().invFreq()[1])
        .isEqualTo((float) (RotaryEmbedding.defaultInvFreq(1_000_000, 256)[1] / 8.0));
    assertThat(layers.get(0).rope().invFreq())
        .containsExactly(RotaryEmbedding.defaultInvFreq(10_000, 256));
  }
}
