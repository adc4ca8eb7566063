/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.TrainingDefaults;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a run writes (the final model, its checkpoints) and how often and how many it keeps.
 *
 * @param output the run's folder: final/, trainer_state.json, merged/
 * @param checkpointDir where checkpoints go and resume comes from, or null for {@code output}
 * @param volumeBytes the size of the volume whose root is the checkpoint folder's parent, when
 *     known (a claim's requested size), or null: prepare's storage check
 * @param saveEverySteps the checkpoint interval, or 0 for none (but one on SIGTERM)
 * @param saveTotalLimit how many checkpoints to keep (the best model's is kept beside them)
 * @param stopGrace the time SIGTERM leaves to finish the step and save
 */
public record CheckpointOptions(
    Path output,
    Path checkpointDir,
    Long volumeBytes,
    long saveEverySteps,
    int saveTotalLimit,
    Duration stopGrace) {

  /** Below a pod's default 120 s grace period, with room for the JVM to exit. */
  public static final long STOP_GRACE_SECONDS = 110;

  public static Builder builder() {
    return new Builder();
  }

  /** Where checkpoints go: {@link #checkpointDir()}, or the output folder. */
  public Path dir() {
    return checkpointDir != null ? checkpointDir : output;
  }

  /** {@code setX} for what every run needs, {@code optX} for what has a default. */
  public static final class Builder {
    private Path output;
    private Path checkpointDir;
    private Long volumeBytes;
    private long saveEverySteps;
    private int saveTotalLimit = TrainingDefaults.CHECKPOINT_KEEP_LAST;
    private Duration stopGrace = Duration.ofSeconds(STOP_GRACE_SECONDS);

    private Builder() {}

    public Builder setOutput(Path output) {
      this.output = output;
      return this;
    }

    public Builder optCheckpointDir(Path dir) {
      this.checkpointDir = dir;
      return this;
    }

    public Builder optVolumeBytes(long bytes) {
      this.volumeBytes = bytes;
      return this;
    }

    public Builder optSaveEverySteps(long steps) {
      this.saveEverySteps = steps;
      return this;
    }

    public Builder optSaveTotalLimit(int keep) {
      this.saveTotalLimit = keep;
      return this;
    }

    public Builder optStopGrace(Duration grace) {
      this.stopGrace = grace;
      return this;
    }

    /** The output folder so far (a failure before the request is built still names it). */
    public Path output() {
      return output;
    }

    CheckpointOptions build(OptionNames names) {
      TrainRequest.required(output, "--output", names);
      return new CheckpointOptions(
          output, checkpointDir, volumeBytes, saveEverySteps, saveTotalLimit, stopGrace);
    }
  }
}
