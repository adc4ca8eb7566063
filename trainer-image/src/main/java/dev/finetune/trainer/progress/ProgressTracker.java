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
 * by the training thread, read by the HTTP server's threads: each update publishes a new immutable
 * snapshot.
 */
public final class ProgressTracker {
  /** Recent checkpoints listed in /progress. */
  static final int MAX_CHECKPOINTS = 20;

  private final Clock clock;
  private final AtomicReference<TrainerProgress> snapshot;
  private final Counter tokens;
  private final Timer stepDuration;
  private Instant lastStepAt;
  private Instant startedAt;
  private long startStep;

  public ProgressTracker(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    this.snapshot =
        new AtomicReference<>(
            new TrainerProgress(
                "Starting",
                0,
                0,
                0,
                null,
                null,
                null,
                null,
                0,
                null,
                List.of(),
                null,
                null,
                Map.of(),
                null,
                null));
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
    TrainerProgress p = snapshot.get();
    snapshot.set(
        new TrainerProgress(
            p.phase(),
            p.step(),
            p.totalSteps(),
            p.epoch(),
            p.loss(),
            p.evalLoss(),
            p.learningRate(),
            p.tokensPerSecond(),
            p.trainedTokens(),
            p.etaSeconds(),
            p.checkpoints(),
            p.resumedFromStep(),
            p.skippedSteps(),
            p.metrics(),
            p.microBatchSize(),
            trainer));
  }

  /**
   * Training starts (or resumes) at {@code step} of {@code total}, with {@code skippedSteps}
   * float16 steps skipped before (null in float32).
   */
  public void started(long step, long total, Long resumedFrom, Long skippedSteps, int microBatch) {
    startedAt = clock.instant();
    lastStepAt = startedAt;
    startStep = step;
    TrainerProgress p = snapshot.get();
    snapshot.set(
        new TrainerProgress(
            "Training",
            step,
            total,
            p.epoch(),
            p.loss(),
            p.evalLoss(),
            p.learningRate(),
            null,
            p.trainedTokens(),
            null,
            p.checkpoints(),
            resumedFrom,
            skippedSteps,
            p.metrics(),
            microBatch,
            p.trainer()));
  }

  public void step(StepRecord record) {
    Instant now = clock.instant();
    Duration took = Duration.between(lastStepAt, now);
    lastStepAt = now;
    stepDuration.record(took);
    tokens.increment(record.tokens());
    TrainerProgress p = snapshot.get();
    long done = record.step() - startStep;
    double elapsed = Duration.between(startedAt, now).toMillis() / 1000.0;
    Long eta = done > 0 ? Math.round(elapsed / done * (p.totalSteps() - record.step())) : null;
    Double tokensPerSecond = took.isZero() ? null : record.tokens() / (took.toNanos() / 1e9);
    Map<String, Double> metrics = replaced(p.metrics(), false, record.metricValues());
    snapshot.set(
        new TrainerProgress(
            "Training",
            record.step(),
            p.totalSteps(),
            record.epoch(),
            record.loss(),
            p.evalLoss(),
            record.learningRate(),
            tokensPerSecond,
            p.trainedTokens() + record.tokens(),
            eta,
            p.checkpoints(),
            p.resumedFromStep(),
            skippedSteps(p.skippedSteps(), record),
            metrics,
            p.microBatchSize(),
            p.trainer()));
  }

  /**
   * The micro-batch became {@code size} examples (batchSize auto, after an out-of-memory error).
   */
  public void microBatchChanged(int size) {
    TrainerProgress p = snapshot.get();
    snapshot.set(
        new TrainerProgress(
            p.phase(),
            p.step(),
            p.totalSteps(),
            p.epoch(),
            p.loss(),
            p.evalLoss(),
            p.learningRate(),
            p.tokensPerSecond(),
            p.trainedTokens(),
            p.etaSeconds(),
            p.checkpoints(),
            p.resumedFromStep(),
            p.skippedSteps(),
            p.metrics(),
            size,
            p.trainer()));
  }

  public void evaluated(StepRecord evaluation) {
    TrainerProgress p = snapshot.get();
    Map<String, Double> metrics = replaced(p.metrics(), true, evaluation.metricValues());
    snapshot.set(
        with(p, p.phase(), evaluation.evalLoss(), p.etaSeconds(), p.checkpoints(), metrics));
  }

  public void checkpointed(long step, String path) {
    TrainerProgress p = snapshot.get();
    List<TrainerProgress.CheckpointInfo> list = new ArrayList<>(p.checkpoints());
    list.add(
        new TrainerProgress.CheckpointInfo(
            step, path, p.loss(), p.evalLoss(), clock.instant().toString()));
    while (list.size() > MAX_CHECKPOINTS) {
      list.remove(0);
    }
    snapshot.set(with(p, p.phase(), p.evalLoss(), p.etaSeconds(), List.copyOf(list), p.metrics()));
  }

  public void finished(String phase) {
    TrainerProgress p = snapshot.get();
    snapshot.set(with(p, phase, p.evalLoss(), 0L, p.checkpoints(), p.metrics()));
  }

  /** {@code p} with the fields that change outside a training step replaced. */
  private static TrainerProgress with(
      TrainerProgress p,
      String phase,
      Double evalLoss,
      Long etaSeconds,
      List<TrainerProgress.CheckpointInfo> checkpoints,
      Map<String, Double> metrics) {
    return new TrainerProgress(
        phase,
        p.step(),
        p.totalSteps(),
        p.epoch(),
        p.loss(),
        evalLoss,
        p.learningRate(),
        p.tokensPerSecond(),
        p.trainedTokens(),
        etaSeconds,
        checkpoints,
        p.resumedFromStep(),
        p.skippedSteps(),
        metrics,
        p.microBatchSize(),
        p.trainer());
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
