/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.protocol.TrainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    boolean hasBest = best != null && best.bestValue() != null;
    StepRecord lastStep = null;
    StepRecord outputEvaluation = null;
    long tokens = 0;
    for (StepRecord r : history) {
      if (!r.isEvaluation()) {
        lastStep = r;
        tokens += r.tokens();
      } else if (!hasBest || r.step() == best.bestStep()) {
        // The output is the best model with early stopping: its evaluation is the one to report.
        outputEvaluation = r;
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (lastStep != null) {
      metrics.putAll(lastStep.metricValues());
    }
    if (outputEvaluation != null) {
      metrics.putAll(outputEvaluation.metricValues());
    }
    Double evalLoss = metrics.get(MetricNames.EVAL_LOSS);
    return new TrainerResult(
        "Succeeded",
        finalDir.toString(),
        layout,
        metrics.get(MetricNames.LOSS),
        evalLoss,
        tokens,
        lastStep == null ? 0 : lastStep.step(),
        null,
        state.trainExamples(),
        state.evalExamples() == null || state.evalExamples() == 0 ? null : state.evalExamples(),
        hasBest ? best.bestStep() : null,
        best == null ? null : evalLoss,
        best == null ? null : stoppedEarly,
        state.skippedSteps(),
        metrics.isEmpty() ? null : metrics,
        state.trainBatchSize(),
        null);
  }

  /** {@code result} with what the run trained on (its evaluation kept). */
  static TrainerResult ranOn(TrainerResult r, TrainerRuntime trainer) {
    return new TrainerResult(
        r.status(),
        r.outputDir(),
        r.layout(),
        r.trainLoss(),
        r.evalLoss(),
        r.trainedTokens(),
        r.steps(),
        r.error(),
        r.trainExamples(),
        r.validationExamples(),
        r.bestStep(),
        r.bestEvalLoss(),
        r.stoppedEarly(),
        r.skippedSteps(),
        r.metrics(),
        r.microBatchSize(),
        trainer,
        r.evaluation());
  }

  /**
   * The result of a failed run.
   *
   * @param trainer what it ran on, or null when it failed before its device check passed
   */
  public static TrainerResult failure(Path output, RuntimeException e, TrainerRuntime trainer) {
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
        null,
        null,
        null,
        trainer);
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
