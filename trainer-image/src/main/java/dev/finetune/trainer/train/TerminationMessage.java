/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.api.v1alpha1.EvaluationResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /** What Kubernetes keeps of a termination message. */
  public static final int MAX_BYTES = 4096;

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
      Files.write(path, bytes(result));
    } catch (IOException e) {
      System.err.println(
          "warning: cannot write the termination message to " + path + ": " + e.getMessage());
    }
  }

  /**
   * The result as JSON within {@link #MAX_BYTES}. Kubernetes keeps only that much of a termination
   * message, and a cut one is no JSON at all, so the operator would lose the whole result. Only an
   * evaluation of many tasks grows that large; it is made smaller in steps until it fits: the
   * evaluation to six significant digits without its deltas (the operator computes them), then
   * without the metrics map (the last progress poll has them), then without the evaluation at all
   * (the operator then does not promote the model; OUTPUT/evaluation.json has every number).
   */
  static byte[] bytes(TrainerResult result) throws IOException {
    byte[] full = JSON.writeValueAsBytes(result);
    if (full.length <= MAX_BYTES || result.evaluation() == null) {
      return full;
    }
    List<EvaluationResult> compact = new ArrayList<>();
    for (EvaluationResult r : result.evaluation()) {
      EvaluationResult c = new EvaluationResult();
      c.setTask(r.getTask());
      c.setMetric(r.getMetric());
      c.setBase(significant(r.getBase()));
      c.setTuned(significant(r.getTuned()));
      compact.add(c);
    }
    TrainerResult smaller = result.withEvaluation(compact);
    byte[] bytes = JSON.writeValueAsBytes(smaller);
    if (bytes.length <= MAX_BYTES) {
      return bytes;
    }
    smaller = withoutMetrics(smaller);
    bytes = JSON.writeValueAsBytes(smaller);
    if (bytes.length <= MAX_BYTES) {
      return bytes;
    }
    System.err.println(
        "warning: the evaluation ("
            + result.evaluation().size()
            + " results) does not fit the termination message's "
            + MAX_BYTES
            + " bytes: it is in evaluation.json only, and the operator will not promote the model");
    return JSON.writeValueAsBytes(smaller.withEvaluation(null));
  }

  private static Double significant(Double v) {
    if (v == null || !Double.isFinite(v) || v == 0) {
      return v;
    }
    return new BigDecimal(v).round(new MathContext(6)).doubleValue();
  }

  private static TrainerResult withoutMetrics(TrainerResult r) {
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
            null,
            r.microBatchSize(),
            r.trainer())
        .withEvaluation(r.evaluation());
  }
}
