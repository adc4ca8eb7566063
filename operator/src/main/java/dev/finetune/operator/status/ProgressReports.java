/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.PromotionGate;
import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.api.v1alpha1.CheckpointStatus;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.ProgressStatus;
import dev.finetune.api.v1alpha1.ResultStatus;
import dev.finetune.api.v1alpha1.TrainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The trainer's reports ({@code /progress}, the termination message) in the FineTuneJob's status
 * vocabulary: paths inside the pod become {@code pvc://} sources, numbers are rounded to what a
 * person reads (so that noise in the last digits does not cost a status write), the checkpoint list
 * is bounded.
 */
public final class ProgressReports {
  /** The newest checkpoints kept in status (the trainer keeps its own, possibly fewer, on disk). */
  public static final int MAX_CHECKPOINTS = 20;

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ProgressReports() {}

  public static ProgressStatus progress(TrainerProgress p) {
    ProgressStatus s = new ProgressStatus();
    s.setStep(p.step());
    s.setTotalSteps(p.totalSteps());
    s.setEpoch(round(p.epoch(), 3));
    s.setPercent(percent(p.step(), p.totalSteps()));
    s.setLoss(p.loss() == null ? null : round(p.loss(), 4));
    s.setEvalLoss(p.evalLoss() == null ? null : round(p.evalLoss(), 4));
    s.setLearningRate(p.learningRate() == null ? null : significant(p.learningRate(), 3));
    s.setTokensPerSecond(p.tokensPerSecond() == null ? null : round(p.tokensPerSecond(), 1));
    s.setTrainedTokens(p.trainedTokens());
    s.setEta(p.etaSeconds() == null ? null : eta(p.etaSeconds()));
    s.setResumedFromStep(p.resumedFromStep());
    s.setSkippedSteps(p.skippedSteps());
    s.setMetrics(metrics(p.metrics()));
    s.setMicroBatchSize(p.microBatchSize());
    return s;
  }

  /** The progress of a finished run: every step done, nothing left. */
  public static ProgressStatus finished(ProgressStatus last, ResultStatus result) {
    ProgressStatus s = last == null ? new ProgressStatus() : copy(last);
    if (result.getSteps() != null) {
      s.setStep(result.getSteps());
      s.setTotalSteps(
          Math.max(result.getSteps(), Optional.ofNullable(s.getTotalSteps()).orElse(0L)));
    }
    s.setPercent("100%");
    s.setEta(null);
    if (result.getTrainLoss() != null) {
      s.setLoss(round(result.getTrainLoss(), 4));
    }
    if (result.getEvalLoss() != null) {
      s.setEvalLoss(round(result.getEvalLoss(), 4));
    }
    if (result.getTrainedTokens() != null) {
      s.setTrainedTokens(result.getTrainedTokens());
    }
    if (result.getSkippedSteps() != null) {
      s.setSkippedSteps(result.getSkippedSteps());
    }
    if (result.getMetrics() != null) {
      s.setMetrics(result.getMetrics());
    }
    if (result.getMicroBatchSize() != null) {
      s.setMicroBatchSize(result.getMicroBatchSize());
    }
    return s;
  }

  /**
   * The previous list with the reported checkpoints added (a report wins for the same step), oldest
   * first, at most {@link #MAX_CHECKPOINTS}.
   */
  public static List<CheckpointStatus> checkpoints(
      List<CheckpointStatus> previous,
      List<TrainerProgress.CheckpointInfo> reported,
      UnaryOperator<String> locate) {
    Map<Long, CheckpointStatus> byStep = new LinkedHashMap<>();
    if (previous != null) {
      previous.forEach(c -> byStep.put(c.getStep(), c));
    }
    if (reported != null) {
      for (TrainerProgress.CheckpointInfo c : reported) {
        CheckpointStatus s = new CheckpointStatus();
        s.setStep(c.step());
        s.setPath(locate.apply(c.path()));
        s.setLoss(c.loss() == null ? null : round(c.loss(), 4));
        s.setEvalLoss(c.evalLoss() == null ? null : round(c.evalLoss(), 4));
        s.setTime(c.time());
        byStep.put(c.step(), s);
      }
    }
    List<CheckpointStatus> sorted = new ArrayList<>(byStep.values());
    sorted.sort(Comparator.comparing(CheckpointStatus::getStep));
    return sorted.size() <= MAX_CHECKPOINTS
        ? sorted
        : new ArrayList<>(sorted.subList(sorted.size() - MAX_CHECKPOINTS, sorted.size()));
  }

  /** What the trainer runs on, in status. */
  public static TrainerStatus trainer(TrainerRuntime runtime) {
    TrainerStatus s = new TrainerStatus();
    s.setDevices(runtime.devices());
    s.setEngine(runtime.engine());
    s.setMemory(runtime.memory());
    return s;
  }

  /**
   * What the newest trainer pod that ended ran on, from its termination message (succeeded or
   * failed); empty when it failed before its device check passed or wrote no result.
   */
  public static Optional<TrainerStatus> trainer(List<Pod> pods) {
    for (int i = pods.size() - 1; i >= 0; i--) {
      Optional<TrainerResult> r = terminationResult(pods.get(i));
      if (r.isPresent()) {
        return Optional.ofNullable(r.get().trainer()).map(ProgressReports::trainer);
      }
    }
    return Optional.empty();
  }

  /** The result a succeeded trainer wrote as its termination message, if it wrote one. */
  public static Optional<ResultStatus> result(List<Pod> pods, UnaryOperator<String> locate) {
    for (int i = pods.size() - 1; i >= 0; i--) {
      var terminated = TrainerStateInterpreter.trainerTermination(pods.get(i));
      if (terminated.isEmpty()
          || terminated.get().getExitCode() == null
          || terminated.get().getExitCode() != 0) {
        continue;
      }
      Optional<TrainerResult> result = terminationResult(pods.get(i));
      if (result.isPresent() && "Succeeded".equals(result.get().status())) {
        TrainerResult r = result.get();
        ResultStatus s = new ResultStatus();
        s.setLocation(locate.apply(r.outputDir()));
        s.setLayout(r.layout());
        s.setTrainLoss(r.trainLoss());
        s.setEvalLoss(r.evalLoss());
        s.setTrainedTokens(r.trainedTokens());
        s.setSteps(r.steps());
        s.setTrainExamples(r.trainExamples());
        s.setValidationExamples(r.validationExamples());
        s.setBestStep(r.bestStep());
        s.setBestEvalLoss(r.bestEvalLoss());
        s.setStoppedEarly(r.stoppedEarly());
        s.setSkippedSteps(r.skippedSteps());
        s.setMetrics(metrics(r.metrics()));
        s.setMicroBatchSize(r.microBatchSize());
        s.setEvaluation(evaluation(r.evaluation()));
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The result JSON in the trainer container's termination message, if it ended with one. */
  private static Optional<TrainerResult> terminationResult(Pod pod) {
    String message =
        TrainerStateInterpreter.trainerTermination(pod).map(t -> t.getMessage()).orElse(null);
    if (message == null || !message.strip().startsWith("{")) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(message, TrainerResult.class));
    } catch (Exception notAResult) {
      // a log tail (FallbackToLogsOnError): no result to take
      return Optional.empty();
    }
  }

  /**
   * A reported metrics map for status: four significant digits (noise in the last digits costs no
   * status write), sorted by name; a value that is not finite is left out (the schema's numbers
   * cannot hold it), and an empty map is no map.
   */
  static Map<String, Double> metrics(Map<String, Double> reported) {
    if (reported == null) {
      return null;
    }
    Map<String, Double> metrics = new TreeMap<>();
    reported.forEach(
        (name, value) -> {
          if (value != null && Double.isFinite(value)) {
            metrics.put(name, significant(value, 4));
          }
        });
    return metrics.isEmpty() ? null : metrics;
  }

  /**
   * The trainer's base-versus-tuned results for status, values as reported (the gate is decided on
   * them) and the delta recomputed from them; a value that is not finite cannot be held by the
   * schema's numbers and is left out, with its delta (the gate treats such a result as not a
   * number, a failure). Null when none.
   */
  static List<EvaluationResult> evaluation(List<EvaluationResult> reported) {
    if (reported == null) {
      return null;
    }
    List<EvaluationResult> results = new ArrayList<>();
    for (EvaluationResult r : reported) {
      if (r == null || r.getTask() == null || r.getMetric() == null) {
        continue;
      }
      EvaluationResult copy = new EvaluationResult();
      copy.setTask(r.getTask());
      copy.setMetric(r.getMetric());
      copy.setBase(finite(r.getBase()));
      copy.setTuned(finite(r.getTuned()));
      if (PromotionGate.measured(copy)) {
        // Ten significant digits: 0.15, not 0.14999999999999997 (the gate computes its own).
        copy.setDelta(significant(copy.getTuned() - copy.getBase(), 10));
      }
      results.add(copy);
    }
    return results;
  }

  private static Double finite(Double value) {
    return value != null && Double.isFinite(value) ? value : null;
  }

  static String percent(long step, long total) {
    return total <= 0 ? "0%" : (step * 100 / total) + "%";
  }

  /** 1h20m5s, 4m0s, 12s. */
  static String eta(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m" + d.toSecondsPart() + "s";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
    return d.toSeconds() + "s";
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static double significant(double value, int digits) {
    if (value == 0 || !Double.isFinite(value)) {
      return value;
    }
    return new java.math.BigDecimal(value).round(new java.math.MathContext(digits)).doubleValue();
  }

  private static ProgressStatus copy(ProgressStatus p) {
    return JSON.convertValue(p, ProgressStatus.class);
  }
}
