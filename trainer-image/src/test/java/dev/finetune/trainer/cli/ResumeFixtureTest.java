/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.TrainerMain;
import dev.finetune.trainer.io.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run resumed from a checkpoint computes exactly what the uninterrupted run computed: the same
 * per-step losses after the resume point and the same final weights, bit for bit.
 */
class ResumeFixtureTest {

  @Test
  void resumedRunMatchesTheUninterruptedOneBitForBit(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 24));
    Path whole = dir.resolve("whole");
    assertThat(train(data, whole)).isZero();
    assertThat(whole.resolve("checkpoint-3/model.safetensors")).exists();
    assertThat(whole.resolve("checkpoint-3/optimizer.safetensors")).exists();

    // An interrupted run leaves checkpoint-3 (and maybe a half-written one) behind.
    Path resumed = dir.resolve("resumed");
    copyTree(whole.resolve("checkpoint-3"), resumed.resolve("checkpoint-3"));
    Files.createDirectories(resumed.resolve("checkpoint-5.tmp"));
    Files.writeString(resumed.resolve("checkpoint-5.tmp/model.safetensors"), "half");
    Files.createDirectories(resumed.resolve("checkpoint-9"));
    assertThat(train(data, resumed)).isZero();

    List<Double> a = TrainerStateLog.losses(whole);
    List<Double> b = TrainerStateLog.losses(resumed);
    assertThat(a).hasSize(6);
    assertThat(b).as("all steps are in the resumed log").hasSize(6);
    assertThat(b.subList(3, 6))
        .as("steps after the resume point")
        .containsExactlyElementsOf(a.subList(3, 6));
    SafetensorsFile wa = SafetensorsFile.open(whole.resolve("final/model.safetensors"));
    SafetensorsFile wb = SafetensorsFile.open(resumed.resolve("final/model.safetensors"));
    for (String key : wa.tensors().keySet()) {
      // Arrays.equals: AssertJ's containsExactly diffs in quadratic time on million-element arrays.
      assertThat(java.util.Arrays.equals(wb.readFloats(key), wa.readFloats(key))).as(key).isTrue();
    }
  }

  @Test
  void onlyTheNewestCheckpointsAreKept(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 24));
    Path out = dir.resolve("out");
    int code =
        TrainerMain.run(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(data)
                .format("text")
                .maxLength(32)
                .batchSize(4)
                .maxSteps(5)
                .with("--save-every-steps", "1")
                .with("--save-total-limit", "2")
                .output(out)
                .args());
    assertThat(code).isZero();
    try (Stream<Path> entries = Files.list(out)) {
      assertThat(
              entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint")))
          .containsExactlyInAnyOrder("checkpoint-3", "checkpoint-4");
    }
  }

  private static int train(Path data, Path out) {
    return TrainerMain.run(
        TrainArgs.train()
            .model(Fixtures.model("tiny-gpt2"))
            .data(data)
            .format("text")
            .maxLength(32)
            .batchSize(4)
            .maxSteps(6)
            .learningRate("1e-3")
            .with("--weight-decay", "0.01")
            .with("--scheduler", "linear")
            .with("--warmup-steps", "1")
            .seed(5)
            .with("--save-every-steps", "3")
            .output(out)
            .args());
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
