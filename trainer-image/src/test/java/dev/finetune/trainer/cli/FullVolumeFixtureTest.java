/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.FakeHub;
import dev.finetune.api.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint volume that fills up mid-run: a 60 MiB tmpfs holds one tiny-gpt2 checkpoint (weights
 * 13 MB, AdamW state 27 MB, tokenizer 2 MB) but not a second beside it. The run ends with exit 73
 * and one line naming the volume, the partial folder is gone, the first checkpoint is whole, and
 * once the volume is larger the next start resumes from it. Mounting needs root (as in CI and the
 * dev machine); elsewhere the test is skipped with that reason.
 */
class FullVolumeFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Path mounted;

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      run("umount", mounted.toString());
    }
  }

  @Test
  void aFullCheckpointVolumeFailsCleanlyAndThePreviousCheckpointResumes(@TempDir Path dir)
      throws Exception {
    Path volume = dir.resolve("volume");
    Files.createDirectories(volume);
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=60m", "tmpfs", volume.toString()) == 0,
        "mounting a size-limited tmpfs needs root");
    mounted = volume;
    Path checkpoints = volume.resolve("checkpoints");
    Path message = dir.resolve("termination-log");
    TrainArgs args =
        TrainArgs.train()
            .model(Fixtures.model("tiny-gpt2"))
            .data(Fixtures.data("text.jsonl"))
            .format("text")
            .maxLength(32)
            .batchSize(4)
            .maxSteps(4)
            .output(dir.resolve("out"))
            .with("--checkpoint-dir", checkpoints)
            .with("--save-every-steps", 1)
            .with("--save-total-limit", 1)
            .with("--termination-message-path", message);

    CliRun full = CliRun.of(args.args());

    assertThat(full.code()).as(full.err()).isEqualTo(73);
    String error = JSON.readTree(message.toFile()).get("error").asText();
    assertThat(error)
        .contains("checkpoint-2 could not be written")
        .contains("the volume holding " + checkpoints + " is full")
        .contains("the partial folder was removed");
    assertThat(full.err()).doesNotContain("\tat ");
    try (Stream<Path> left = Files.list(checkpoints)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList())
          .as("no partial folder takes the space")
          .containsExactly("checkpoint-1");
    }
    assertThat(checkpoints.resolve("checkpoint-1/trainer_state.json")).exists();

    assertThat(run("mount", "-o", "remount,size=200m", volume.toString())).isZero();
    CliRun resumed = CliRun.of(args.args());
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming from " + checkpoints.resolve("checkpoint-1"));
    JsonNode state = JSON.readTree(dir.resolve("out/trainer_state.json").toFile());
    assertThat(state.get("global_step").asLong()).isEqualTo(4);
  }

  /** A cache volume too small for the model: prepare stops with InsufficientStorage (73). */
  @Test
  void aCacheTooSmallForTheModelIsInsufficientStorage(@TempDir Path dir) throws Exception {
    Path volume = dir.resolve("cache");
    Files.createDirectories(volume);
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", volume.toString()) == 0,
        "mounting a size-limited tmpfs needs root");
    mounted = volume;
    Path message = dir.resolve("termination-log");
    try (FakeHub hub = new FakeHub().model("org/tiny-gpt2", Fixtures.model("tiny-gpt2"))) {
      CliRun run =
          CliRun.of(
              TrainArgs.prepare()
                  .model("hf://org/tiny-gpt2")
                  .data(Fixtures.data("text.jsonl"))
                  .format("text")
                  .maxLength(32)
                  .output(dir.resolve("out"))
                  .with("--hf-endpoint", hub.endpoint())
                  .with("--cache-dir", volume)
                  .with("--termination-message-path", message)
                  .args());
      assertThat(run.code()).as(run.err()).isEqualTo(73);
      JsonNode result = JSON.readTree(message.toFile());
      assertThat(result.get("reason").asText()).isEqualTo("InsufficientStorage");
      assertThat(result.get("error").asText())
          .contains("cannot download model.safetensors")
          .contains("the volume holding the cache")
          .contains("is full");
      try (Stream<Path> files = Files.walk(volume)) {
        assertThat(files.filter(f -> f.toString().endsWith(".incomplete")))
            .as("no partial download takes the space")
            .isEmpty();
      }
    }
  }

  private static int run(String... command) throws Exception {
    try {
      Process p = new ProcessBuilder(List.of(command)).inheritIO().start();
      return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
