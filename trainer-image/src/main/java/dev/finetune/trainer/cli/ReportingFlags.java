/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static dev.finetune.trainer.cli.TrainOptions.given;

import dev.finetune.trainer.train.ReportingOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags of {@link ReportingOptions}: the progress endpoint, the console, the result file, the
 * TensorBoard curves.
 */
final class ReportingFlags {
  @Option(
      names = "--termination-message-path",
      description =
          "Write the final result JSON (status, output, losses, tokens, steps) to this file, e.g."
              + " /dev/termination-log in a pod.")
  Path terminationMessagePath;

  @Option(
      names = "--progress-port",
      description =
          "Serve GET /progress, /metrics and /healthz on this port; 0 picks a free one, -1 (the"
              + " default) serves nothing.")
  Integer progressPort;

  @Option(
      names = "--log-every-steps",
      description =
          "Without a terminal, print a progress line every N steps (default "
              + ReportingOptions.LOG_EVERY_STEPS
              + ").")
  Integer logEvery;

  @Option(
      names = "--no-progress-bar",
      description = "Print log lines even on an interactive terminal.")
  boolean noProgressBar;

  @Option(
      names = "--no-tensorboard",
      description =
          "Write no TensorBoard event files (by default every run adds one to OUTPUT/"
              + ReportingOptions.TENSORBOARD_DIR
              + "/: each logged loss, learning rate, gradient norm and evaluation metric).")
  boolean noTensorboard;

  /** Sets on {@code b} every flag that was given. */
  void applyTo(ReportingOptions.Builder b) {
    given(terminationMessagePath, b::optTerminationMessagePath);
    given(progressPort, b::optProgressPort);
    given(logEvery, b::optLogEverySteps);
    if (noProgressBar) {
      b.optProgressBar(false);
    }
    if (noTensorboard) {
      b.optTensorboard(false);
    }
  }
}
