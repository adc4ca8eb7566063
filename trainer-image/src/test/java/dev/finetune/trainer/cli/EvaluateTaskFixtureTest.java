/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --task} on tiny-llama with the interop check's task files, held to what
 * lm-evaluation-harness 0.4.13's hf backend computed for the same model and files
 * (trainer-image/interop/lmeval_check.py, transformers 5.17, float32, CPU).
 */
class EvaluateTaskFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DATA = Path.of("interop", "data");

  private static JsonNode evaluate(String file, String type, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "evaluate",
                "--model",
                Fixtures.model("tiny-llama").toString(),
                "--task",
                DATA.resolve(file).toString(),
                "--task-type",
                type));
    args.addAll(List.of(more));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.code()).as(run.err()).isZero();
    return JSON.readTree(run.lastLine());
  }

  private static void assertCloseTo(JsonNode values, double... expected) {
    assertThat(values.size()).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(values.get(i).asDouble()).as("value %d", i).isCloseTo(expected[i], within(1e-4));
    }
  }

  @Test
  void multipleChoicePrintsAccAccNormAndEachChoicesLogLikelihood() throws Exception {
    JsonNode result = evaluate("lmeval_multiple_choice.jsonl", "multipleChoice");
    assertThat(result.get("task_type").asText()).isEqualTo("multipleChoice");
    assertThat(result.get("samples").asInt()).isEqualTo(15);
    // lm-eval: acc 4/15, acc_norm 4/15, stderr 0.11818736805705578 each.
    assertThat(result.get("acc").asDouble()).isEqualTo(0.26666666666666666);
    assertThat(result.get("acc_norm").asDouble()).isEqualTo(0.26666666666666666);
    assertThat(result.get("acc_stderr").asDouble()).isCloseTo(0.11818736805705578, within(1e-12));
    assertThat(result.get("acc_norm_stderr").asDouble())
        .isCloseTo(0.11818736805705578, within(1e-12));
    JsonNode lls = result.get("loglikelihoods");
    assertThat(lls.size()).isEqualTo(15);
    assertCloseTo(
        lls.get(0),
        -34.035743713378906,
        -33.05162811279297,
        -25.796733856201172,
        -38.002193450927734);
    // The empty context: the prefix token (EOS, as tiny-llama's BOS is) stands for it.
    assertCloseTo(lls.get(14), -25.571287155151367, -47.63739776611328);
    assertThat(lls.get(13).size()).isEqualTo(3);
  }

  @Test
  void loglikelihoodPrintsPerplexityAndGreedyAcc() throws Exception {
    JsonNode result = evaluate("lmeval_loglikelihood.jsonl", "loglikelihood");
    assertThat(result.get("samples").asInt()).isEqualTo(14);
    // lm-eval: perplexity 3.828620798308681e+51 (exp of minus the mean per-line log-likelihood),
    // acc 1/14: only line 11's " License" is the greedy continuation.
    assertThat(result.get("perplexity").asDouble() / 3.828620798308681e51 - 1)
        .isCloseTo(0, within(1e-4));
    assertThat(result.get("acc").asDouble()).isEqualTo(1.0 / 14);
    assertThat(result.get("acc_stderr").asDouble()).isCloseTo(0.07142857142857142, within(1e-12));
    JsonNode lls = result.get("loglikelihoods");
    assertThat(lls.size()).isEqualTo(14);
    assertThat(lls.get(0).asDouble()).isCloseTo(-125.4618148803711, within(1e-4));
    assertThat(lls.get(2).asDouble()).isCloseTo(-232.21095275878906, within(1e-4));
    assertThat(lls.get(10).asDouble()).isCloseTo(-0.2096405029296875, within(1e-4));
    List<Boolean> greedy = new ArrayList<>();
    result.get("is_greedy").forEach(g -> greedy.add(g.asBoolean()));
    assertThat(greedy)
        .containsExactly(
            false, false, false, false, false, false, false, false, false, false, true, false,
            false, false);
  }

  @Test
  void generatePrintsExactMatchAndTheGenerations() throws Exception {
    JsonNode result =
        evaluate(
            "lmeval_generate.jsonl", "generate", "--max-new-tokens", "16", "--batch-size", "3");
    // lm-eval's generations (max_gen_toks 16, until its default "\n\n" and the EOS token).
    List<String> generations = new ArrayList<>();
    result.get("generations").forEach(g -> generations.add(g.asText()));
    assertThat(generations)
        .containsExactly(
            " License.",
            " of the terms of the terms of the terms of the terms of the terms of",
            "",
            " General Public License.",
            " the terms of the terms of the terms of the terms of the terms of the",
            " that you may not be- OF THE OF THE OF THE OF THE OF THE",
            "");
    assertThat(result.get("exact_match").asDouble()).isEqualTo(2.0 / 7);
    assertThat(result.get("exact_match_stderr").asDouble())
        .isCloseTo(0.18442777839082936, within(1e-12));
  }

  @Test
  void theAdapterIsApplied() throws Exception {
    JsonNode base = evaluate("lmeval_loglikelihood.jsonl", "loglikelihood");
    JsonNode tuned =
        evaluate(
            "lmeval_loglikelihood.jsonl",
            "loglikelihood",
            "--adapter",
            Fixtures.adapter("tiny-llama-lora").toString());
    assertThat(tuned.get("perplexity").asDouble()).isNotEqualTo(base.get("perplexity").asDouble());
  }

  @Test
  void trainScoresTheBaseAndTheTunedModelOnTheTasks(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("first12.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 12));
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            "train",
            "--model",
            Fixtures.model("tiny-gpt2").toString(),
            "--data",
            data.toString(),
            "--format",
            "text",
            "--max-length",
            "64",
            "--batch-size",
            "4",
            "--max-steps",
            "2",
            "--learning-rate",
            "1e-3",
            "--output",
            out.toString(),
            "--eval-task",
            "questions:multipleChoice=" + DATA.resolve("lmeval_multiple_choice.jsonl"),
            "--eval-task",
            "answers:generate:8=" + DATA.resolve("lmeval_generate.jsonl"));
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode results = JSON.readTree(out.resolve("evaluation.json").toFile()).get("results");
    List<String> rows = new ArrayList<>();
    results.forEach(r -> rows.add(r.get("task").asText() + " " + r.get("metric").asText()));
    // The task type's metrics, without their stderr; no validation data, so no validation loss.
    assertThat(rows).containsExactly("questions acc", "questions acc_norm", "answers exact_match");
    // The base is tiny-gpt2 itself: lm-eval's numbers for it (acc 3/15, acc_norm 4/15), and one
    // of the 7 prompts (line 3: " the", then a blank line) answered exactly in 8 tokens.
    assertThat(results.get(0).get("base").asDouble()).isEqualTo(0.2);
    assertThat(results.get(1).get("base").asDouble()).isEqualTo(0.26666666666666666);
    assertThat(results.get(2).get("base").asDouble()).isEqualTo(1.0 / 7);
  }

  @Test
  void badLinesAndMissingOptionsAreNamed(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("questions.jsonl");
    Files.writeString(
        bad,
        "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": 0}\n"
            + "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": 3}\n");
    String model = Fixtures.model("tiny-gpt2").toString();
    CliRun run =
        CliRun.of(
            "evaluate",
            "--model",
            model,
            "--task",
            bad.toString(),
            "--task-type",
            "multipleChoice");
    assertThat(run.code()).isEqualTo(65);
    assertThat(run.err()).contains("questions.jsonl line 2: field \"answer\" is 3");

    run = CliRun.of("evaluate", "--model", model, "--task", bad.toString());
    assertThat(run.code()).isEqualTo(78);
    assertThat(run.err()).contains("--task needs --task-type");

    run = CliRun.of("evaluate", "--model", model);
    assertThat(run.code()).isEqualTo(78);
    assertThat(run.err()).contains("give --data and --format");

    run =
        CliRun.of("evaluate", "--model", model, "--task", bad.toString(), "--task-type", "choices");
    assertThat(run.err()).contains("unknown task type \"choices\"");
    assertThat(run.code()).isNotZero();
  }
}
