/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import java.nio.file.Path;

/**
 * How a run tells what it does: the progress endpoint, the console, the termination message, the
 * TensorBoard curves.
 *
 * @param progressPort the port of /progress, /metrics and /healthz; 0 any free port, -1 none
 * @param terminationMessagePath where the result JSON goes (a pod's /dev/termination-log), or null
 * @param logEverySteps without a terminal, a progress line every this many steps
 * @param progressBar a progress bar on an interactive terminal (else log lines)
 * @param tensorboard TensorBoard event files in {@code OUTPUT/runs/}
 */
public record ReportingOptions(
    int progressPort,
    Path terminationMessagePath,
    int logEverySteps,
    boolean progressBar,
    boolean tensorboard) {

  /** The log directory of the TensorBoard event files, under the output folder. */
  public static final String TENSORBOARD_DIR = "runs";

  public static final int LOG_EVERY_STEPS = 10;

  public static Builder builder() {
    return new Builder();
  }

  /** Every field starts at its default; {@code optX} changes one. */
  public static final class Builder {
    private int progressPort = -1;
    private Path terminationMessagePath;
    private int logEverySteps = LOG_EVERY_STEPS;
    private boolean progressBar = true;
    private boolean tensorboard = true;

    private Builder() {}

    public Builder optProgressPort(int port) {
      this.progressPort = port;
      return this;
    }

    public Builder optTerminationMessagePath(Path path) {
      this.terminationMessagePath = path;
      return this;
    }

    public Builder optLogEverySteps(int steps) {
      this.logEverySteps = steps;
      return this;
    }

    public Builder optProgressBar(boolean bar) {
      this.progressBar = bar;
      return this;
    }

    public Builder optTensorboard(boolean write) {
      this.tensorboard = write;
      return this;
    }

    /** Where the result goes, so far (a failure before the request is built still lands there). */
    public Path terminationMessagePath() {
      return terminationMessagePath;
    }

    ReportingOptions build() {
      return new ReportingOptions(
          progressPort, terminationMessagePath, logEverySteps, progressBar, tensorboard);
    }
  }
}
