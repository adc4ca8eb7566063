/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.testing.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Four fixed SFT runs (full with early stopping, LoRA on chat data, float16, two replicas with
 * packing) write exactly what the trainer wrote when these values were recorded (commit b6ba7e9,
 * before the objective, metrics and option seams): the SHA-256 of every checkpoint and final/ file,
 * and every key and value of every {@code trainer_state.json} log entry. A refactoring of the loop,
 * the options or the reporting must not move a single bit of what a run leaves behind.
 *
 * <p>adapter_config.json is hashed with its base model path cut to the folder name (the path is
 * where the fixtures are on the machine). runs/ (TensorBoard event files) is left out: it holds
 * wall-clock times and its host's name; TensorBoardFixtureTest holds its scalars to
 * trainer_state.json. Recorded on this project's 2-core CI machine type (PyTorch 2.7.1 CPU
 * natives); another thread count could change float sums in the last bit. To record again (only for
 * a change that is meant to change the numbers, said so in its commit): {@code -Drecord.runs=DIR}
 * writes the files to DIR. Recorded again at the fused attention (scaled_dot_product_attention):
 * full-early-stopping and lora-chat, the two runs whose attention it takes, moved their losses and
 * gradient norms by at most 7.2e-7 and their weights in the last bits; the float16 and packed runs
 * keep the eager path and their records. Recorded again, all four, at the fused AdamW step
 * (PyTorch's {@code _fused_adamw_}, as transformers' Trainer runs it): losses and gradient norms of
 * the float32 runs moved by at most 2.1e-7 relative, the float16 run's by 1.0e-5 (loss) and 8.8e-5
 * (gradient norm). Recorded again at the chunked SFT loss ({@code ChunkedCrossEntropy}):
 * full-early-stopping, lora-chat and two-replicas (float32 training) moved their losses by at most
 * 4.9e-7 (1.2e-7 relative), eval losses by 2.5e-7 and gradient norms by 7.2e-7 (3.3e-7 relative),
 * the same bytes on two recordings; the float16 run keeps the path through the logits and its
 * record.
 */
class RecordedRunsFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> runs() {
    return Stream.of(
        "full-early-stopping", "lora-chat", "float16-prompt-completion", "two-replicas");
  }

  private static TrainArgs args(String run, Path text40) {
    TrainArgs common =
        TrainArgs.train()
            .batchSize(2)
            .with("--gradient-accumulation-steps", 2)
            .maxSteps(4)
            .learningRate("1e-3")
            .with("--eval-every-steps", 2)
            .with("--save-every-steps", 2)
            .with("--save-total-limit", 5)
            .seed(7)
            .with("--no-progress-bar")
            .with("--progress-port", -1);
    return switch (run) {
      case "full-early-stopping" ->
          common
              .model(Fixtures.model("tiny-llama"))
              .data(text40)
              .format("text")
              .maxLength(32)
              .with("--eval-data", Fixtures.data("eval_text.jsonl"))
              .with("--early-stopping-patience", 3);
      case "lora-chat" ->
          common
              .model(Fixtures.model("tiny-llama"))
              .data(Fixtures.data("chat.jsonl"))
              .format("chat")
              .maxLength(128)
              .lora(4)
              .with("--validation-split", "0.2");
      case "float16-prompt-completion" ->
          common
              .model(Fixtures.model("tiny-gpt2"))
              .data(Fixtures.data("prompt_completion.jsonl"))
              .format("promptCompletion")
              .maxLength(64)
              .with("--dtype", "float16");
      case "two-replicas" ->
          common
              .model(Fixtures.model("tiny-gpt2"))
              .data(text40)
              .format("text")
              .maxLength(32)
              .with("--packing")
              .with("--replicas", 2)
              .with("--validation-split", "0.1");
      default -> throw new IllegalArgumentException(run);
    };
  }

  @ParameterizedTest
  @MethodSource("runs")
  void theRunWritesWhatWasRecorded(String run, @TempDir Path dir) throws Exception {
    Path text40 = dir.resolve("text40.jsonl");
    Files.write(text40, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 40));
    Path out = dir.resolve("out");

    CliRun result = CliRun.of(args(run, text40).output(out).args());
    assertThat(result.code()).as(result.err()).isZero();

    ObjectNode actual = describe(out);
    String record = System.getProperty("record.runs");
    if (record != null) {
      Files.createDirectories(Path.of(record));
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(Path.of(record, run + ".json").toFile(), actual);
      return;
    }
    JsonNode expected;
    try (InputStream in = getClass().getResourceAsStream("/recorded-runs/" + run + ".json")) {
      assertThat(in).as("recorded values for " + run).isNotNull();
      expected = JSON.readTree(in);
    }
    assertThat(actual.get("files"))
        .as("SHA-256 of every file but trainer_state.json")
        .isEqualTo(expected.get("files"));
    assertLogHistory(actual.get("trainerState"), expected.get("trainerState"));
  }

  /**
   * Every trainer_state.json (the run's and each checkpoint's): the same log entries with the same
   * keys and values, and the same step and example counts.
   */
  private static void assertLogHistory(JsonNode actual, JsonNode expected) {
    assertThat(fieldNames(actual)).isEqualTo(fieldNames(expected));
    expected
        .fields()
        .forEachRemaining(
            file -> {
              JsonNode got = actual.get(file.getKey());
              JsonNode want = file.getValue();
              assertThat(got.get("log_history"))
                  .as(file.getKey() + " log_history")
                  .isEqualTo(want.get("log_history"));
              for (String key : List.of("global_step", "train_examples", "eval_examples")) {
                assertThat(got.get(key)).as(file.getKey() + " " + key).isEqualTo(want.get(key));
              }
            });
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** {files: {relative path: sha256}, trainerState: {relative path: parsed JSON}}, sorted. */
  private static ObjectNode describe(Path out) throws Exception {
    Map<String, String> files = new TreeMap<>();
    Map<String, JsonNode> states = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        String name = out.relativize(file).toString().replace('\\', '/');
        if (name.startsWith("runs/")) {
          continue;
        }
        if (file.getFileName().toString().equals("trainer_state.json")) {
          states.put(name, JSON.readTree(file.toFile()));
        } else if (file.getFileName().toString().equals("adapter_config.json")) {
          files.put(name, sha256(adapterConfigWithoutBasePath(file)));
        } else {
          files.put(name, sha256(file));
        }
      }
    }
    ObjectNode node = JSON.createObjectNode();
    node.set("files", JSON.valueToTree(files));
    node.set("trainerState", JSON.valueToTree(states));
    return node;
  }

  /**
   * adapter_config.json names the base model as the run was given it, a path that depends on where
   * the fixtures are: the file as written, with that value cut to the model's folder name.
   */
  private static byte[] adapterConfigWithoutBasePath(Path file) throws Exception {
    ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
    String base = config.get("base_model_name_or_path").asText();
    config.put("base_model_name_or_path", Path.of(base).getFileName().toString());
    return JSON.writeValueAsBytes(config);
  }

  private static String sha256(Path file) throws Exception {
    return sha256(Files.readAllBytes(file));
  }

  private static String sha256(byte[] bytes) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    return HexFormat.of().formatHex(digest.digest(bytes));
  }
}
