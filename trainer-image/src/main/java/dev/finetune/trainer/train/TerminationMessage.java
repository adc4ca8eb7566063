/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The final result as a small JSON file: Kubernetes keeps a container's termination message (at
 * most 4096 bytes), so the operator learns the outcome even if it missed the last progress poll.
 */
public final class TerminationMessage {
  /** Kubernetes' limit is 4096 bytes; the error text is cut well below it. */
  public static final int MAX_ERROR = 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TerminationMessage() {}

  /**
   * The result of a finished run.
   *
   * @param best the early-stopping state at the end, or null without early stopping
   */
  public static TrainerResult success(
      Path finalDir,
      String layout,
      List<StepRecord> history,
      EarlyStopping.State best,
      boolean stoppedEarly,
      TrainerState state) {
    Double trainLoss = null;
    Double evalLoss = null;
    long tokens = 0;
    long steps = 0;
    for (StepRecord r : history) {
      if (r.loss() != null) {
        trainLoss = r.loss();
        tokens += r.tokens();
        steps = r.step();
      }
      if (r.evalLoss() != null) {
        evalLoss = r.evalLoss();
      }
    }
    if (best != null && best.bestLoss() != null) {
      // The output is the best model: its loss is the one to report.
      evalLoss = best.bestLoss();
    }
    return new TrainerResult(
        "Succeeded",
        finalDir.toString(),
        layout,
        trainLoss,
        evalLoss,
        tokens,
        steps,
        null,
        state.trainExamples(),
        state.evalExamples() == null || state.evalExamples() == 0 ? null : state.evalExamples(),
        best == null || best.bestLoss() == null ? null : best.bestStep(),
        best == null ? null : best.bestLoss(),
        best == null ? null : stoppedEarly,
        state.skippedSteps());
  }

  public static TrainerResult failure(Path output, RuntimeException e) {
    String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    if (message.length() > MAX_ERROR) {
      message = message.substring(0, MAX_ERROR - 3) + "...";
    }
    return new TrainerResult(
        "Failed",
        output == null ? null : output.toString(),
        null,
        null,
        null,
        null,
        null,
        message,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Writes the result; a failure to write is reported but never hides the run's own outcome. */
  public static void write(Path path, TrainerResult result) {
    if (path == null) {
      return;
    }
    try {
      Files.write(path, JSON.writeValueAsBytes(result));
    } catch (IOException e) {
      System.err.println(
          "warning: cannot write the termination message to " + path + ": " + e.getMessage());
    }
  }
}
