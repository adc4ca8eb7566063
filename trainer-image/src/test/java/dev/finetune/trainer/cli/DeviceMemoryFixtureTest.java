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
import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.model.ModelSize;
import dev.finetune.trainer.model.Precision;
import dev.finetune.trainer.train.MemoryEstimate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's memory on the CPU, through the limit only tests set ({@code --device-memory-limit}):
 * a run that does not fit fails before its first step with what would fit; {@code --batch-size
 * auto} trains the micro-batch that fits and keeps the global batch, so its losses are those of
 * that micro-batch and accumulation given by hand; an out-of-memory error in a step (injected: no
 * GPU here) halves the micro-batch with auto and fails the run without it.
 */
class DeviceMemoryFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LENGTH = 32;
  @TempDir static Path shared;
  private static Path data;

  /** The device is taken to hold micro-batches of 2 at most: the estimate at 2, not at 4. */
  private static long limit;

  @BeforeAll
  static void setUp() throws Exception {
    data = shared.resolve("text24.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 24));
    Path model = Fixtures.model("tiny-gpt2");
    ModelConfig config = ModelConfig.read(model);
    ModelSize size = ModelSize.of(config, model, null);
    limit =
        MemoryEstimate.bytes(config, size, Precision.FLOAT32, false, 2, MAX_LENGTH)
            + (MemoryEstimate.bytes(config, size, Precision.FLOAT32, false, 3, MAX_LENGTH)
                    - MemoryEstimate.bytes(config, size, Precision.FLOAT32, false, 2, MAX_LENGTH))
                / 2;
  }

  private static TrainArgs run(Path out) {
    return TrainArgs.train()
        .model(Fixtures.model("tiny-gpt2"))
        .data(data)
        .format("text")
        .maxLength(MAX_LENGTH)
        .maxSteps(3)
        .learningRate("1e-3")
        .with("--no-shuffle")
        .with("--no-progress-bar")
        .with("--progress-port", -1)
        .output(out);
  }

  @Test
  void aRunThatDoesNotFitFailsBeforeItsFirstStepSayingWhatWouldFit(@TempDir Path dir) {
    Path message = dir.resolve("termination-log");
    CliRun result =
        CliRun.of(
            run(dir.resolve("out"))
                .batchSize(8)
                .with("--device-memory-limit", limit)
                .with("--termination-message-path", message)
                .args());

    assertThat(result.code()).as(result.err()).isEqualTo(71);
    assertThat(result.out()).as("no step ran").doesNotContain("step 1");
    assertThat(dir.resolve("out/trainer_state.json")).doesNotExist();
    assertThat(result.err())
        .contains("the run needs about")
        .contains("of 8 × 32 tokens")
        .contains("batchSize 2 with gradientAccumulationSteps 4 (the same global batch)")
        .contains("method lora (")
        .contains("dtype float16 (")
        .contains("a shorter dataset.maxLength (16 tokens");
  }

  @Test
  void batchSizeAutoTrainsWhatFitsWithTheNumbersOfThatBatchGivenByHand(@TempDir Path dir)
      throws Exception {
    CliRun auto =
        CliRun.of(
            run(dir.resolve("auto"))
                .with("--batch-size", "auto")
                .with("--max-batch-size", 8)
                .with("--device-memory-limit", limit)
                .args());
    CliRun byHand =
        CliRun.of(
            run(dir.resolve("hand")).batchSize(2).with("--gradient-accumulation-steps", 4).args());
    assertThat(auto.code()).as(auto.err()).isZero();
    assertThat(byHand.code()).as(byHand.err()).isZero();

    JsonNode state = JSON.readTree(dir.resolve("auto/trainer_state.json").toFile());
    assertThat(state.get("train_batch_size").asInt()).as("what auto chose").isEqualTo(2);
    assertThat(auto.out()).contains("batch size auto: micro-batches of 2");
    assertSameLosses(losses(dir.resolve("auto")), losses(dir.resolve("hand")));
  }

  @Test
  void anOutOfMemoryErrorHalvesTheMicroBatchWithAutoAndTheLossesStay(@TempDir Path dir)
      throws Exception {
    CliRun halved =
        CliRun.of(
            run(dir.resolve("halved"))
                .with("--batch-size", "auto")
                .with("--max-batch-size", 8)
                .with("--inject-out-of-memory-at-step", 2)
                .args());
    CliRun whole = CliRun.of(run(dir.resolve("whole")).batchSize(8).args());
    assertThat(halved.code()).as(halved.err()).isZero();
    assertThat(whole.code()).as(whole.err()).isZero();

    assertThat(halved.err()).contains("step 2: out of memory").contains("micro-batch is now 4");
    JsonNode state = JSON.readTree(dir.resolve("halved/trainer_state.json").toFile());
    assertThat(state.get("train_batch_size").asInt()).isEqualTo(4);
    assertSameLosses(losses(dir.resolve("halved")), losses(dir.resolve("whole")));
  }

  @Test
  void anOutOfMemoryErrorFailsARunWithAFixedBatchSizeForGood(@TempDir Path dir) {
    CliRun result =
        CliRun.of(
            run(dir.resolve("out")).batchSize(8).with("--inject-out-of-memory-at-step", 2).args());
    assertThat(result.code()).as("OutOfMemory: not retried with the same settings").isEqualTo(74);
    assertThat(result.err())
        .contains("the CPU ran out of memory at step 2 with micro-batches of 8")
        .contains("set hyperparameters.batchSize to auto");
  }

  private static List<Double> losses(Path out) throws Exception {
    List<Double> losses = new ArrayList<>();
    for (JsonNode entry :
        JSON.readTree(out.resolve("trainer_state.json").toFile()).get("log_history")) {
      if (entry.has("loss")) {
        losses.add(entry.get("loss").asDouble());
      }
    }
    return losses;
  }

  /** The same steps over the same examples: equal but for the order of float sums. */
  private static void assertSameLosses(List<Double> actual, List<Double> expected) {
    assertThat(actual).hasSize(3).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      assertThat(actual.get(i)).as("step %d", i + 1).isCloseTo(expected.get(i), within(1e-5));
    }
  }
}
