/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer process that receives SIGTERM (what a preempted or suspended pod gets) finishes its
 * step, saves a checkpoint, writes its termination message and exits with 143; the next start
 * resumes from that checkpoint.
 */
class SigtermIT {
  @Test
  void sigtermSavesACheckpointAndTheNextRunResumes(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 40));
    Path out = dir.resolve("out");
    Path message = dir.resolve("termination-log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Dai.djl.offline=true",
            "dev.finetune.trainer.TrainerMain",
            "train",
            "--model",
            Fixtures.model("tiny-gpt2").toString(),
            "--data",
            data.toString(),
            "--format",
            "text",
            "--max-length",
            "16",
            "--batch-size",
            "2",
            "--max-steps",
            "500",
            "--log-every-steps",
            "1",
            "--output",
            out.toString(),
            "--termination-message-path",
            message.toString());
    Path log = dir.resolve("trainer.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(log) && Files.readString(log).contains("step 3/"));
    process.toHandle().destroy(); // SIGTERM
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(143);

    Path checkpoint;
    try (Stream<Path> entries = Files.list(out)) {
      checkpoint =
          entries
              .filter(p -> p.getFileName().toString().matches("checkpoint-\\d+"))
              .findFirst()
              .orElseThrow();
    }
    long step =
        Long.parseLong(checkpoint.getFileName().toString().substring("checkpoint-".length()));
    assertThat(step).isBetween(3L, 499L);
    assertThat(checkpoint.resolve("trainer_state.json")).exists();
    JsonNode result = new ObjectMapper().readTree(message.toFile());
    assertThat(result.get("error").asText()).startsWith("stopped by SIGTERM after step " + step);

    JsonNode state = new ObjectMapper().readTree(checkpoint.resolve("trainer_state.json").toFile());
    assertThat(state.get("global_step").asLong()).isEqualTo(step);
    assertThat(state.get("log_history")).hasSize((int) step);
  }
}
