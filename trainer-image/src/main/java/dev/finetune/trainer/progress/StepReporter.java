/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.trainer.train.StepRecord;

/**
 * What a person watching the run sees: a progress bar on an interactive terminal, one log line
 * every N steps anywhere else (a pod's log, a CI job, a file).
 */
public interface StepReporter extends AutoCloseable {
  /** After each optimizer step, with the tracker's view (ETA, tokens/s) after that step. */
  void step(StepRecord record, TrainerProgress progress);

  /** A line worth keeping (an eval result, a checkpoint). */
  void note(String line);

  @Override
  void close();

  /**
   * A bar when both standard streams are an interactive terminal and {@code --no-progress-bar} was
   * not given; log lines otherwise.
   */
  static StepReporter forConsole(boolean allowBar, long startStep, long totalSteps, int logEvery) {
    return allowBar && System.console() != null
        ? new ProgressBarReporter(startStep, totalSteps)
        : new LogLineReporter(logEvery, totalSteps, System.out);
  }
}
