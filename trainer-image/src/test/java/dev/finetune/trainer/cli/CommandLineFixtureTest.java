/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: output, files and exit codes. */
class CommandLineFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void evaluatePrintsTheLossLineLast() throws Exception {
    CliRun run =
        run(
            "evaluate",
            "--model",
            Fixtures.model("tiny-gpt2").toString(),
            "--data",
            Fixtures.data("eval_text.jsonl").toString(),
            "--format",
            "text",
            "--max-length",
            "128");
    assertThat(run.code()).isZero();
    JsonNode last = JSON.readTree(run.lastLine());
    assertThat(last.size()).isEqualTo(2);
    assertThat(last.get("tokens").asLong()).isEqualTo(3586);
    assertThat(last.get("loss").asDouble()).isCloseTo(6.932907353216088, within(1e-4));
  }

  @Test
  void trainWritesStateAndAModelThatLoadsBack(@TempDir Path out) throws Exception {
    Path data = out.resolve("first12.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 12));
    CliRun run =
        run(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(data)
                .format("text")
                .maxLength(64)
                .batchSize(4)
                .maxSteps(3)
                .learningRate("1e-3")
                .with("--weight-decay", "0")
                .with("--max-grad-norm", "0")
                .with("--scheduler", "constant")
                .with("--warmup-steps", "0")
                .with("--no-shuffle")
                .seed(1)
                .with("--eval-data", Fixtures.data("eval_text.jsonl"))
                .with("--eval-max-length", "128")
                .with("--eval-every-steps", "3")
                .output(out)
                .args());
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode state = JSON.readTree(out.resolve("trainer_state.json").toFile());
    JsonNode history = state.get("log_history");
    JsonNode expected = Fixtures.expected("tiny-gpt2").get("train_parity");
    for (int i = 0; i < 3; i++) {
      JsonNode step = history.get(i);
      assertThat(step.get("step").asInt()).isEqualTo(i + 1);
      assertThat(step.get("loss").asDouble())
          .isCloseTo(expected.get("step_losses").get(i).asDouble(), within(2e-4));
      assertThat(step.get("learning_rate").asDouble()).isEqualTo(1e-3);
      assertThat(step.get("grad_norm").asDouble())
          .isCloseTo(expected.get("grad_norms_before_clip").get(i).asDouble(), within(1e-4));
      assertThat(step.get("tokens").asLong())
          .isEqualTo(expected.get("step_tokens").get(i).asLong());
    }
    assertThat(history.get(3).get("eval_loss").asDouble())
        .isCloseTo(expected.at("/final_eval/loss").asDouble(), within(2e-4));
    Path model = out.resolve("final");
    assertThat(model.resolve("config.json")).exists();
    assertThat(model.resolve("tokenizer.json")).exists();
    assertThat(model.resolve("model.safetensors")).exists();
    CliRun evaluate =
        run(
            "evaluate",
            "--model",
            model.toString(),
            "--data",
            Fixtures.data("eval_text.jsonl").toString(),
            "--format",
            "text",
            "--max-length",
            "128");
    assertThat(JSON.readTree(evaluate.lastLine()).get("loss").asDouble())
        .isCloseTo(expected.at("/final_eval/loss").asDouble(), within(2e-4));
  }

  @Test
  void trainStopsOnBadDataWithTheDataErrorCodeAndTheLinesNamed(@TempDir Path out) {
    CliRun run =
        run(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(Fixtures.data("bad.jsonl"))
                .format("text")
                .maxLength(64)
                .maxSteps(1)
                .output(out)
                .args());
    assertThat(run.code()).isEqualTo(65);
    assertThat(run.err())
        .contains("11 invalid line(s)")
        .contains("bad.jsonl line 3: invalid JSON")
        // The list is cut so that what to change survives the status message's length limit.
        .contains("; and 7 more; fix these lines, or the format if the file is not text");
    assertThat(out.resolve("final")).doesNotExist();
  }

  @Test
  void skipInvalidLinesTrainsOnTheRest(@TempDir Path out) {
    CliRun run =
        run(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(Fixtures.data("bad.jsonl"))
                .format("text")
                .maxSteps(1)
                .maxLength(32)
                .with("--skip-invalid-lines")
                .output(out)
                .args());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).contains("skipped 11 invalid line(s)");
    assertThat(out.resolve("final/model.safetensors")).exists();
  }

  @Test
  void validateDataReportsLinesAndStatistics() throws Exception {
    CliRun run =
        run(
            "validate-data",
            "--data",
            Fixtures.data("text.jsonl").toString(),
            "--format",
            "text",
            "--model",
            Fixtures.model("tiny-gpt2").toString(),
            "--max-length",
            "128");
    assertThat(run.code()).isZero();
    JsonNode summary = JSON.readTree(run.lastLine());
    assertThat(summary.get("lines").asInt()).isEqualTo(303);
    assertThat(summary.get("invalid").asInt()).isZero();
    assertThat(summary.get("truncated").asInt())
        .as("data README: 11 lines exceed 128 tokens")
        .isEqualTo(11);

    CliRun bad =
        run("validate-data", "--data", Fixtures.data("bad.jsonl").toString(), "--format", "text");
    assertThat(bad.code()).isEqualTo(65);
    assertThat(bad.out()).contains("bad.jsonl: line 5: missing field \"text\"");
  }

  @Test
  void missingModelIsAConfigurationError(@TempDir Path empty) {
    CliRun run =
        run(
            "evaluate",
            "--model",
            empty.toString(),
            "--data",
            Fixtures.data("eval_text.jsonl").toString(),
            "--format",
            "text");
    assertThat(run.code()).isEqualTo(78);
    assertThat(run.err()).contains("has no tokenizer.json");
  }

  @Test
  void greedyGenerationFollowsTheArgmax() throws Exception {
    Path model = Fixtures.model("tiny-llama");
    try (NDManager manager = NDManager.newBaseManager()) {
      CausalLmBlock block = ModelLoader.load(model, manager).block();
      long[] prompt = {16190, 318, 10431, 284};
      long[] first = GenerateCommand.generate(block, prompt, 5, 0, 1, new Random(1), manager);
      long[] again = GenerateCommand.generate(block, prompt, 5, 0, 1, new Random(2), manager);
      assertThat(first).hasSize(5).containsExactly(again);
      long next =
          GenerateCommand.argmax(
              block.logits(manager.create(prompt).reshape(1, 4)).get("0, 3, :").toFloatArray());
      assertThat(first[0]).isEqualTo(next);
      long[] sampled = GenerateCommand.generate(block, prompt, 5, 1.0, 0.9, new Random(3), manager);
      assertThat(GenerateCommand.generate(block, prompt, 5, 1.0, 0.9, new Random(3), manager))
          .containsExactly(sampled);
    }
    CliRun run =
        run(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "Everyone is permitted",
            "--max-new-tokens",
            "3");
    assertThat(run.code()).isZero();
    assertThat(run.out()).isNotBlank();
  }

  @Test
  void helpExplainsEveryCommand() {
    for (String command : List.of("train", "evaluate", "generate", "validate-data")) {
      CliRun run = run(command, "--help");
      assertThat(run.code()).isZero();
      assertThat(run.out()).contains("Usage:").contains(command);
    }
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }
}
