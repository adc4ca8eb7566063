/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.io.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DPO full fine-tune (shuffled pairs, a validation file), killed with SIGKILL after a checkpoint
 * and started again on the same output, ends with exactly the uninterrupted run's weights: the
 * resumed run reads the reference log-probabilities the first one computed from the starting
 * weights (its own weights have moved since) and takes the same steps from the checkpoint on.
 */
class DpoKillResumeIT {
  private static final int STEPS = 12;

  @Test
  void sigkilledDpoRunResumesToTheSameWeights(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole");
    CliRun uninterrupted = CliRun.of(args(whole).toArray(String[]::new));
    assertThat(uninterrupted.code()).as(uninterrupted.err()).isZero();

    Path killed = dir.resolve("killed");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dai.djl.offline=true",
                "dev.finetune.trainer.TrainerMain"));
    command.addAll(args(killed));
    Path log = dir.resolve("trainer.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // checkpoint-3 is written before step 4 starts.
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> Files.readString(log).contains("step 4/" + STEPS));
    process.toHandle().destroyForcibly(); // SIGKILL
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(killed.resolve("final")).doesNotExist();
    long resumeStep = newestCheckpoint(killed);
    assertThat(resumeStep).isBetween(3L, STEPS - 1L);

    CliRun resumed = CliRun.of(args(killed).toArray(String[]::new));
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out())
        .contains("(step " + resumeStep + ")")
        .contains("reference log-probabilities: read from");

    List<Double> a = TrainerStateLog.losses(whole);
    List<Double> b = TrainerStateLog.losses(killed);
    assertThat(b).hasSize(STEPS).containsExactlyElementsOf(a);
    assertThat(TrainerStateLog.lastEvalLoss(killed)).isEqualTo(TrainerStateLog.lastEvalLoss(whole));
    SafetensorsFile wa = SafetensorsFile.open(whole.resolve("final/model.safetensors"));
    SafetensorsFile wb = SafetensorsFile.open(killed.resolve("final/model.safetensors"));
    assertThat(wb.tensors().keySet()).containsExactlyElementsOf(wa.tensors().keySet());
    for (String key : wa.tensors().keySet()) {
      assertThat(Arrays.equals(wb.readFloats(key), wa.readFloats(key))).as(key).isTrue();
    }
  }

  private static List<String> args(Path out) {
    return TrainArgs.train()
        .model(Fixtures.model("tiny-llama"))
        .data(DpoFixtureTest.pairs("pairs.jsonl"))
        .format("preference")
        .with("--objective", "dpo")
        .with("--eval-data", DpoFixtureTest.pairs("implicit_pairs.jsonl"))
        .with("--eval-every-steps", "4")
        .maxLength(64)
        .batchSize(2)
        .maxSteps(STEPS)
        .learningRate("1e-3")
        .with("--warmup-steps", "2")
        .with("--scheduler", "cosine")
        .seed(11)
        .with("--save-every-steps", "3")
        .with("--save-total-limit", "2")
        .with("--log-every-steps", "1")
        .output(out)
        .list();
  }

  private static long newestCheckpoint(Path out) throws Exception {
    try (Stream<Path> entries = Files.list(out)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("checkpoint-\\d+"))
          .mapToLong(n -> Long.parseLong(n.substring("checkpoint-".length())))
          .max()
          .orElseThrow();
    }
  }
}
