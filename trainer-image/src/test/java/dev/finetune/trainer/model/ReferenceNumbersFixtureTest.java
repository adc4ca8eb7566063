/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.train.Evaluator;
import dev.finetune.trainer.train.SftObjective;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokenization, logits and evaluation loss of the fixture models against the independent reference
 * numbers in ../shared/fixtures/expected, within their stated tolerances.
 */
class ReferenceNumbersFixtureTest {
  @ParameterizedTest
  @MethodSource("dev.finetune.trainer.FixtureModels#all")
  void tokenizationMatches(String name) {
    JsonNode expected = Fixtures.expected(name);
    try (TextTokenizer tokenizer = TextTokenizer.load(Fixtures.model(name))) {
      for (JsonNode c : expected.at("/tokenization/cases")) {
        assertThat(tokenizer.encode(c.get("text").asText()))
            .as("ids of %s", c.get("text").asText())
            .containsExactly(longs(c.get("ids")));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.finetune.trainer.FixtureModels#allAndAdapter")
  void lastPositionLogitsMatch(String name) {
    JsonNode expected = Fixtures.expected(name);
    JsonNode logits = expected.get("last_position_logits");
    double tolerance = expected.at("/tolerance/logit_abs").asDouble();
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock model = load(name, manager);
      long[] ids = longs(logits.get("ids"));
      NDArray out = model.logits(manager.create(ids).reshape(1, ids.length));
      NDArray last = out.get(new NDIndex("0, {}, :", logits.get("position").asLong()));
      float[] all = last.toFloatArray();
      double[] first8 = doubles(logits.get("first_8"));
      for (int i = 0; i < 8; i++) {
        assertThat((double) all[i]).as("logit %d", i).isCloseTo(first8[i], within(tolerance));
      }
      JsonNode tail = logits.get("last_8_ids_50249_to_50256");
      if (tail != null) {
        double[] last8 = doubles(tail);
        for (int i = 0; i < 8; i++) {
          assertThat((double) all[50249 + i]).isCloseTo(last8[i], within(tolerance));
        }
      }
      assertThat(last.argMax().getLong()).isEqualTo(logits.get("argmax").asLong());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.finetune.trainer.FixtureModels#allAndAdapter")
  void evaluationLossMatches(String name) {
    JsonNode expected = Fixtures.expected(name);
    JsonNode eval =
        expected.get("eval").isArray() ? expected.get("eval").get(0) : expected.get("eval");
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(modelDir(name))) {
      CausalLmBlock model = load(name, manager);
      ExampleBuilder builder =
          new ExampleBuilder(
              tokenizer,
              model.config().eosTokenId(),
              eval.get("max_length").asInt(),
              ChatRenderer.forModel(modelDir(name)));
      var examples =
          Datasets.load(Fixtures.data("eval_text.jsonl"), DataFormat.TEXT, builder, false)
              .examples();
      Evaluator.Score score =
          new Evaluator(new SftObjective(), 8).evaluate(model, examples, manager);
      assertThat(score.tokens()).isEqualTo(eval.get("tokens").asLong());
      assertThat(score.loss())
          .isCloseTo(
              eval.get("loss").asDouble(), within(expected.at("/tolerance/loss_abs").asDouble()));
    }
  }

  static Path modelDir(String name) {
    return Fixtures.model(name.replace("-lora", ""));
  }

  static CausalLmBlock load(String name, NDManager manager) {
    CausalLmBlock model = ModelLoader.load(modelDir(name), manager).block();
    if (name.endsWith("-lora")) {
      model.setAdapter(LoraAdapter.load(Fixtures.adapter("tiny-llama-lora"), model, manager));
    }
    return model;
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
