/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPO through the trainer's command line on the fixture models: the known first-step losses (the
 * policy is the reference), TRL's metric names in trainer_state.json for training and evaluation,
 * the three data forms, LoRA, float16 and two replicas, and what is refused up front.
 */
class DpoFixtureTest {
  private static final String[] DPO_METRICS = {
    MetricNames.REWARDS_CHOSEN,
    MetricNames.REWARDS_REJECTED,
    MetricNames.REWARDS_ACCURACIES,
    MetricNames.REWARDS_MARGINS,
    MetricNames.LOGPS_CHOSEN,
    MetricNames.LOGPS_REJECTED
  };

  static Path pairs(String name) {
    try {
      return Path.of(DpoFixtureTest.class.getResource("/preference/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TrainArgs dpo(String model, String data, Path out) {
    return TrainArgs.train()
        .model(Fixtures.model(model))
        .data(pairs(data))
        .format("preference")
        .with("--objective", "dpo")
        .with("--scheduler", "constant")
        .with("--log-every-steps", "1")
        .seed(3)
        .with("--no-shuffle")
        .output(out);
  }

  @Test
  void loraDpoStartsAtLn2AndLogsTrlsMetricsForTrainingAndEvaluation(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            dpo("tiny-llama", "pairs.jsonl", out)
                .maxLength(64)
                .maxSteps(3)
                .batchSize(12) // every pair in every step: the same batch three times
                .learningRate("5e-3")
                .lora(4)
                .with("--eval-data", pairs("pairs.jsonl"))
                .with("--eval-every-steps", "3")
                .args());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("the reference is the starting base model (the adapter off)");
    List<JsonNode> steps = entries(out, "loss");
    assertThat(steps).hasSize(3);
    assertThat(steps.get(0).get("loss").asDouble()).isCloseTo(Math.log(2), within(1e-6));
    assertThat(steps.get(0).get(MetricNames.REWARDS_MARGINS).asDouble()).isCloseTo(0, within(1e-5));
    for (JsonNode step : steps) {
      for (String name : DPO_METRICS) {
        assertThat(step.has(name)).as(name + " in " + step).isTrue();
      }
    }
    assertThat(steps.get(2).get("loss").asDouble())
        .as("three steps on the training pairs lower the loss")
        .isLessThan(Math.log(2));
    assertThat(steps.get(2).get(MetricNames.REWARDS_MARGINS).asDouble()).isPositive();
    List<JsonNode> evals = entries(out, "eval_loss");
    assertThat(evals).hasSize(1);
    for (String name : DPO_METRICS) {
      assertThat(evals.get(0).has("eval_" + name)).as("eval_" + name).isTrue();
    }
    assertThat(out.resolve("final/adapter_model.safetensors")).exists();
    assertThat(out.resolve("reference_logps.json")).exists();
  }

  @Test
  void ipoAndHingeStartAtTheirKnownLosses(@TempDir Path dir) throws Exception {
    for (String loss : new String[] {"ipo", "hinge"}) {
      Path out = dir.resolve(loss);
      CliRun run =
          CliRun.of(
              dpo("tiny-gpt2", "pairs.jsonl", out)
                  .maxLength(64)
                  .maxSteps(1)
                  .batchSize(4)
                  .learningRate("5e-3")
                  .with("--dpo-loss", loss)
                  .with("--dpo-beta", "0.5")
                  .args());
      assertThat(run.code()).as(run.err()).isZero();
      // IPO: (1/(2 beta))^2 = 1 at beta 0.5; hinge: max(0, 1 - 0) = 1.
      assertThat(TrainerStateLog.losses(out).get(0)).as(loss).isCloseTo(1.0, within(1e-6));
    }
  }

  @Test
  void conversationalAndImplicitPromptFormsTrain(@TempDir Path dir) throws Exception {
    for (String data : new String[] {"chat_pairs.jsonl", "implicit_pairs.jsonl"}) {
      Path out = dir.resolve(data);
      CliRun run =
          CliRun.of(
              dpo("tiny-gpt2", data, out)
                  .maxLength(96)
                  .maxSteps(2)
                  .batchSize(8)
                  .learningRate("5e-3")
                  .args());
      assertThat(run.code()).as(data + ": " + run.err()).isZero();
      List<Double> losses = TrainerStateLog.losses(out);
      assertThat(losses.get(0)).as(data).isCloseTo(Math.log(2), within(1e-6));
      assertThat(losses.get(1)).as(data).isLessThan(Math.log(2));
    }
  }

  @Test
  void twoReplicasAndFloat16GiveTheSameSteps(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    Path half = dir.resolve("half");
    CliRun a =
        CliRun.of(
            three(dpo("tiny-gpt2", "pairs.jsonl", one))
                .batchSize(4)
                .with("--replicas", "1")
                .args());
    CliRun b =
        CliRun.of(
            three(dpo("tiny-gpt2", "pairs.jsonl", two))
                .batchSize(2)
                .with("--gradient-accumulation-steps", "2")
                .with("--replicas", "2")
                .args());
    CliRun c =
        CliRun.of(
            three(dpo("tiny-gpt2", "pairs.jsonl", half))
                .batchSize(4)
                .lora(4)
                .with("--dtype", "float16")
                .args());
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(b.code()).as(b.err()).isZero();
    assertThat(c.code()).as(c.err()).isZero();
    List<Double> la = TrainerStateLog.losses(one);
    List<Double> lb = TrainerStateLog.losses(two);
    for (int i = 0; i < 3; i++) {
      assertThat(lb.get(i)).as("step " + (i + 1)).isCloseTo(la.get(i), within(1e-5));
    }
    List<Double> lc = TrainerStateLog.losses(half);
    assertThat(lc.get(0)).as("float16 LoRA starts at ln 2").isCloseTo(Math.log(2), within(1e-3));
    assertThat(lc).allSatisfy(l -> assertThat(l).isFinite());
  }

  @Test
  void earlyStoppingWatchesARewardMetricAndKeepsTheBestModel(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            dpo("tiny-gpt2", "pairs.jsonl", out)
                .maxLength(64)
                .maxSteps(12)
                .batchSize(4)
                .learningRate("1e-2") // high: the reward accuracy peaks, then falls back
                .with("--eval-data", pairs("implicit_pairs.jsonl"))
                .with("--eval-every-steps", "1")
                .with("--early-stopping-patience", "2")
                .with("--early-stopping-metric", "rewards/accuracies")
                .args());
    assertThat(run.code()).as(run.err()).isZero();
    List<JsonNode> evals = entries(out, "eval_rewards/accuracies");
    double best =
        evals.stream()
            .mapToDouble(e -> e.get("eval_rewards/accuracies").asDouble())
            .max()
            .orElseThrow();
    assertThat(evals.size()).as("stopped before the 12th step").isLessThan(12);
    assertThat(run.out())
        .contains("early stopping after step " + evals.size())
        .contains("final/ is the best model")
        .contains("eval_rewards/accuracies " + (float) best);
  }

  @Test
  void whatDpoCannotDoIsRefusedBeforeAnythingLoads(@TempDir Path dir) {
    Path out = dir.resolve("out");
    CliRun packing =
        CliRun.of(three(dpo("tiny-gpt2", "pairs.jsonl", out)).with("--packing").args());
    assertThat(packing.code()).isEqualTo(78);
    assertThat(packing.err()).contains("--packing is not supported with --objective dpo");

    CliRun smoothing =
        CliRun.of(
            three(dpo("tiny-gpt2", "pairs.jsonl", out))
                .with("--dpo-label-smoothing", "0.1")
                .args());
    assertThat(smoothing.code()).isEqualTo(78);
    assertThat(smoothing.err())
        .contains("--dpo-label-smoothing is only used by --dpo-loss robust, not sigmoid");

    CliRun text =
        CliRun.of(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(Fixtures.data("text.jsonl"))
                .format("text")
                .with("--objective", "dpo")
                .output(out)
                .args());
    assertThat(text.code()).isEqualTo(78);
    assertThat(text.err()).contains("--format text has no preference pairs");

    CliRun sft =
        CliRun.of(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(pairs("pairs.jsonl"))
                .format("preference")
                .output(out)
                .args());
    assertThat(sft.code()).isEqualTo(78);
    assertThat(sft.err()).contains("--format preference is for --objective dpo");
    assertThat(out).doesNotExist();
  }

  /** Three steps of 64-token pairs. */
  private static TrainArgs three(TrainArgs args) {
    return args.maxLength(64).maxSteps(3).learningRate("5e-3");
  }

  private static List<JsonNode> entries(Path out, String key) throws Exception {
    JsonNode history =
        new ObjectMapper()
            .readTree(Files.readString(out.resolve("trainer_state.json")))
            .get("log_history");
    List<JsonNode> found = new ArrayList<>();
    history.forEach(
        h -> {
          if (h.has(key)) {
            found.add(h);
          }
        });
    return found;
  }
}
