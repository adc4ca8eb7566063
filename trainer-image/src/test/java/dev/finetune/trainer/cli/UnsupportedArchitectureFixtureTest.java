/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checkpoint whose math the trainer does not implement is refused before any training, with exit
 * 78 and a message naming the config.json field and its value: never trained approximately. Each
 * case is a fixture whose config has one field changed.
 */
class UnsupportedArchitectureFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "tiny-llama3",
            "/rope_scaling/rope_type",
            "\"yarn\"",
            "rope_scaling.rope_type \"yarn\" is not supported (supported: default, linear, llama3)"),
        Arguments.of(
            "tiny-llama3",
            "/rope_scaling/low_freq_factor",
            "null",
            "rope_scaling.low_freq_factor is missing"),
        Arguments.of(
            "tiny-qwen3",
            "/rope_parameters",
            "{\"rope_type\": \"dynamic\", \"rope_theta\": 1000000.0, \"factor\": 2.0}",
            "rope_parameters.rope_type \"dynamic\" is not supported"),
        Arguments.of(
            "tiny-qwen3",
            "/model_type",
            "\"qwen3_moe\"",
            "model_type \"qwen3_moe\" is not supported"),
        Arguments.of(
            "tiny-mistral-swa",
            "/model_type",
            "\"mixtral\"",
            "model_type \"mixtral\" is not supported"),
        Arguments.of(
            "tiny-llama", "/hidden_act", "\"gelu\"", "hidden_act \"gelu\" is not supported"),
        Arguments.of(
            "tiny-gemma3",
            "/hidden_activation",
            "\"gelu\"",
            "hidden_activation \"gelu\" is not supported (supported: gelu_pytorch_tanh)"),
        Arguments.of(
            "tiny-gemma3",
            "/use_bidirectional_attention",
            "true",
            "use_bidirectional_attention true is not supported"),
        Arguments.of(
            "tiny-gemma3",
            "/layer_types/2",
            "\"chunked_attention\"",
            "layer_types[2] \"chunked_attention\" is not supported"),
        Arguments.of(
            "tiny-phi3",
            "/rope_scaling/type",
            "\"dynamic\"",
            "rope_scaling.type \"dynamic\" is not supported (supported: default, longrope)"),
        Arguments.of(
            "tiny-phi3",
            "/rope_scaling/short_factor",
            "[1.0, 1.6]",
            "rope_scaling.short_factor must be a list of 3 numbers"),
        Arguments.of(
            "tiny-phi3",
            "/partial_rotary_factor",
            "0.7",
            "partial_rotary_factor gives 5 rotary dimensions, an odd number"));
  }

  @ParameterizedTest(name = "{0} {1} = {2}")
  @MethodSource("refusals")
  void refusedWithExit78NamingTheField(
      String fixture, String pointer, String value, String message, @TempDir Path dir)
      throws Exception {
    Path model = Fixtures.model(fixture);
    ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
    set(config, pointer, JSON.readTree(value));
    Files.writeString(dir.resolve("config.json"), config.toString());
    for (String file :
        new String[] {"model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
      Files.createSymbolicLink(dir.resolve(file), model.resolve(file).toAbsolutePath());
    }

    CliRun run =
        CliRun.of(
            "evaluate",
            "--model",
            dir.toString(),
            "--data",
            Fixtures.data("eval_text.jsonl").toString(),
            "--format",
            "text");

    assertThat(run.code()).as(run.err()).isEqualTo(78);
    assertThat(run.err()).contains(dir.resolve("config.json") + ": " + message);
  }

  /** Sets the value at a JSON pointer whose parent exists. */
  private static void set(ObjectNode root, String pointer, JsonNode value) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = root.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }
}
