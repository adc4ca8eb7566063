/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static dev.finetune.trainer.cli.TrainOptions.given;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.trainer.train.CheckpointOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The flags of {@link CheckpointOptions}: the output folder and the checkpoints. */
final class CheckpointFlags {
  @Option(names = "--output", description = "Output directory.")
  Path output;

  @Option(
      names = "--save-every-steps",
      description = "Write OUTPUT/checkpoint-<step>/ every N steps; 0 writes none (default).")
  Long saveEverySteps;

  @Option(
      names = "--save-total-limit",
      description =
          "Keep the newest N checkpoints (default " + TrainingDefaults.CHECKPOINT_KEEP_LAST + ").")
  Integer saveTotalLimit;

  @Option(
      names = "--checkpoint-dir",
      description =
          "Where checkpoints go (default: --output). A run resumes from the newest complete one"
              + " found there.")
  Path checkpointDir;

  @Option(
      names = "--checkpoint-volume-bytes",
      description =
          "prepare: the size of the volume whose root is the checkpoint folder's parent (a claim's"
              + " size), when its filesystem reports more free space than the volume may hold.")
  Long checkpointVolumeBytes;

  @Option(
      names = "--stop-grace-seconds",
      description =
          "On SIGTERM, finish the current step, save a checkpoint and exit (code 143) within this"
              + " many seconds (default "
              + CheckpointOptions.STOP_GRACE_SECONDS
              + "; keep it below the pod's grace period).")
  Long stopGraceSeconds;

  /** Sets on {@code b} every flag that was given. */
  void applyTo(CheckpointOptions.Builder b) {
    given(output, b::setOutput);
    given(saveEverySteps, b::optSaveEverySteps);
    given(saveTotalLimit, b::optSaveTotalLimit);
    given(checkpointDir, b::optCheckpointDir);
    given(checkpointVolumeBytes, b::optVolumeBytes);
    given(stopGraceSeconds, s -> b.optStopGrace(Duration.ofSeconds(s)));
  }

  /** Sets on {@code o} what the operator's config says, naming each option by its spec field. */
  static void fromConfig(
      TrainerConfig.Checkpoints k, CheckpointOptions.Builder o, ConfigFields config) {
    if (k == null) {
      return;
    }
    o.optCheckpointDir(Path.of(k.dir()));
    config.map(
        k.everySteps(), "--save-every-steps", "spec.checkpoints.everySteps", o::optSaveEverySteps);
    config.map(
        k.keepLast(), "--save-total-limit", "spec.checkpoints.keepLast", o::optSaveTotalLimit);
    config.map(
        k.volumeBytes(),
        "--checkpoint-volume-bytes",
        "spec.checkpoints.storage.size",
        o::optVolumeBytes);
  }
}
