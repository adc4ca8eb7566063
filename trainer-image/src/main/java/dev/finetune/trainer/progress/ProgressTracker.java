/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.trainer.train.StepRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the trainer has done so far, for {@code GET /progress} and the Prometheus metrics. Updated
 * by the training thread, read by the HTTP server's threads: each update changes the fields below
 * and publishes a new immutable snapshot, built in one place.
 */
public final class ProgressTracker {
  /** Recent checkpoints listed in /progress. */
  static final int MAX_CHECKPOINTS = 20;

  private final Clock clock;
  private final AtomicReference<TrainerProgress> snapshot = new AtomicReference<>();
  private final Counter tokens;
  private final Timer stepDuration;
  private Instant lastStepAt;
  private Instant startedAt;
  private long startStep;

  // What the next snapshot says; written by the training thread only.
  private String phase = "Starting";
  private long step;
  private long totalSteps;
  private double epoch;
  private Double loss;
  private Double evalLoss;
  private Double learningRate;
  private Double tokensPerSecond;
  private long trainedTokens;
  private Long etaSeconds;
  private List<TrainerProgress.CheckpointInfo> checkpoints = List.of();
  private Long resumedFromStep;
  private Long skippedSteps;
  private Map<String, Double> metrics = Map.of();
  private Integer microBatchSize;
  private TrainerRuntime trainer;

  public ProgressTracker(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    publish();
    Gauge.builder("finetune_trainer_step", () -> snapshot.get().step())
        .description("Optimizer steps done")
        .register(registry);
    Gauge.builder("finetune_trainer_total_steps", () -> snapshot.get().totalSteps())
        .description("Optimizer steps planned")
        .register(registry);
    Gauge.builder("finetune_trainer_loss", () -> orNaN(snapshot.get().loss()))
        .description("Training loss of the latest step")
        .register(registry);
    Gauge.builder("finetune_trainer_eval_loss", () -> orNaN(snapshot.get().evalLoss()))
        .description("Latest validation loss")
        .register(registry);
    Gauge.builder("finetune_trainer_learning_rate", () -> orNaN(snapshot.get().learningRate()))
        .description("Learning rate of the latest step")
        .register(registry);
    this.tokens =
        Counter.builder("finetune_trainer_tokens")
            .description("Tokens trained on (scored positions)")
            .register(registry);
    this.stepDuration =
        Timer.builder("finetune_trainer_step_duration")
            .description("Wall time of one optimizer step")
            .register(registry);
  }

  public TrainerProgress snapshot() {
    return snapshot.get();
  }

  /** The run's devices passed their check: what it trains on, from now on in every snapshot. */
  public void ranOn(TrainerRuntime trainer) {
    this.trainer = trainer;
    publish();
  }

  /**
   * Training starts (or resumes) at {@code step} of {@code total}, with {@code skippedSteps}
   * float16 steps skipped before (null in float32), in micro-batches of {@code microBatch}.
   */
  public void started(long step, long total, Long resumedFrom, Long skippedSteps, int microBatch) {
    startedAt = clock.instant();
    lastStepAt = startedAt;
    startStep = step;
    this.phase = "Training";
    this.step = step;
    this.totalSteps = total;
    this.tokensPerSecond = null;
    this.etaSeconds = null;
    this.resumedFromStep = resumedFrom;
    this.skippedSteps = skippedSteps;
    this.microBatchSize = microBatch;
    publish();
  }

  public void step(StepRecord record) {
    Instant now = clock.instant();
    Duration took = Duration.between(lastStepAt, now);
    lastStepAt = now;
    stepDuration.record(took);
    tokens.increment(record.tokens());
    long done = record.step() - startStep;
    double elapsed = Duration.between(startedAt, now).toMillis() / 1000.0;
    phase = "Training";
    step = record.step();
    epoch = record.epoch();
    loss = record.loss();
    learningRate = record.learningRate();
    tokensPerSecond = took.isZero() ? null : record.tokens() / (took.toNanos() / 1e9);
    trainedTokens += record.tokens();
    etaSeconds = done > 0 ? Math.round(elapsed / done * (totalSteps - record.step())) : null;
    skippedSteps = skippedSteps(skippedSteps, record);
    metrics = replaced(metrics, false, record.metricValues());
    publish();
  }

  /**
   * The micro-batch became {@code size} examples (batchSize auto, after an out-of-memory error).
   */
  public void microBatchChanged(int size) {
    microBatchSize = size;
    publish();
  }

  public void evaluated(StepRecord evaluation) {
    evalLoss = evaluation.evalLoss();
    metrics = replaced(metrics, true, evaluation.metricValues());
    publish();
  }

  public void checkpointed(long step, String path) {
    List<TrainerProgress.CheckpointInfo> list = new ArrayList<>(checkpoints);
    list.add(
        new TrainerProgress.CheckpointInfo(step, path, loss, evalLoss, clock.instant().toString()));
    while (list.size() > MAX_CHECKPOINTS) {
      list.remove(0);
    }
    checkpoints = List.copyOf(list);
    publish();
  }

  public void finished(String phase) {
    this.phase = phase;
    this.etaSeconds = 0L;
    publish();
  }

  private void publish() {
    snapshot.set(
        new TrainerProgress(
            phase,
            step,
            totalSteps,
            epoch,
            loss,
            evalLoss,
            learningRate,
            tokensPerSecond,
            trainedTokens,
            etaSeconds,
            checkpoints,
            resumedFromStep,
            skippedSteps,
            metrics,
            microBatchSize,
            trainer));
  }

  /**
   * The metrics with one kind replaced by the latest: a step's replace the training metrics ({@code
   * evaluation} false), an evaluation's the {@code eval_} ones; the other kind stays as it was.
   */
  private static Map<String, Double> replaced(
      Map<String, Double> before, boolean evaluation, Map<String, Double> latest) {
    Map<String, Double> metrics = new TreeMap<>(before);
    metrics.keySet().removeIf(name -> name.startsWith(MetricNames.EVAL_PREFIX) == evaluation);
    metrics.putAll(latest);
    return Collections.unmodifiableMap(metrics);
  }

  /**
   * The skipped-step count after {@code record}: counted from 0 by a float16 run (whose records
   * carry a loss scale); a resumed run starts from the count up to its checkpoint ({@link
   * #started}).
   */
  private static Long skippedSteps(Long before, StepRecord record) {
    if (record.lossScale() == null) {
      return before;
    }
    long count = before == null ? 0 : before;
    return Boolean.TRUE.equals(record.skipped()) ? count + 1 : count;
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }
}
