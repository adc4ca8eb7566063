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
 * A LoRA run with dropout, killed with SIGKILL after a checkpoint (a node lost, no chance to save),
 * restarted on the same output, computes what an uninterrupted run computes: the same per-step
 * losses after the checkpoint it resumed from and the same final adapter, bit for bit.
 */
class KillResumeIT {
  private static final int STEPS = 30;

  @Test
  void sigkilledLoraRunResumesExactly(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 40));

    Path whole = dir.resolve("whole");
    CliRun uninterrupted = CliRun.of(args(data, whole).toArray(String[]::new));
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
    command.addAll(args(data, killed));
    Path log = dir.resolve("trainer.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // checkpoint-3 is written before step 4 starts.
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> Files.readString(log).contains("step 4/" + STEPS));
    process.toHandle().destroyForcibly(); // SIGKILL
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("killed, not finished").isEqualTo(137);
    assertThat(killed.resolve("final")).doesNotExist();
    long resumeStep = newestCheckpoint(killed);
    assertThat(resumeStep).isBetween(3L, STEPS - 1L);
    System.out.println("SIGKILLed after checkpoint-" + resumeStep + "; resuming from it");

    CliRun resumed = CliRun.of(args(data, killed).toArray(String[]::new));
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming from").contains("(step " + resumeStep + ")");

    List<Double> a = TrainerStateLog.losses(whole);
    List<Double> b = TrainerStateLog.losses(killed);
    assertThat(a).hasSize(STEPS);
    assertThat(b).hasSize(STEPS);
    assertThat(b.subList((int) resumeStep, STEPS))
        .as("steps after checkpoint-" + resumeStep)
        .containsExactlyElementsOf(a.subList((int) resumeStep, STEPS));
    SafetensorsFile wa = SafetensorsFile.open(whole.resolve("final/adapter_model.safetensors"));
    SafetensorsFile wb = SafetensorsFile.open(killed.resolve("final/adapter_model.safetensors"));
    assertThat(wb.tensors().keySet()).containsExactlyElementsOf(wa.tensors().keySet());
    for (String key : wa.tensors().keySet()) {
      assertThat(Arrays.equals(wb.readFloats(key), wa.readFloats(key))).as(key).isTrue();
    }
  }

  private static List<String> args(Path data, Path out) {
    return TrainArgs.train()
        .model(Fixtures.model("tiny-llama"))
        .data(data)
        .format("text")
        .maxLength(32)
        .batchSize(2)
        .maxSteps(STEPS)
        .learningRate("1e-2")
        .with("--warmup-steps", "2")
        .with("--scheduler", "cosine")
        .with("--weight-decay", "0.01")
        .seed(9)
        .with("--method", "lora")
        .with("--lora-rank", "4")
        .with("--lora-dropout", "0.2")
        .with("--lora-target-modules", "q_proj,v_proj,down_proj")
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
