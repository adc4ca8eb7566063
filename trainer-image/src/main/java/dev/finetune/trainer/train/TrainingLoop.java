/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.finetune.api.protocol.MetricNames;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.Precision;
import dev.finetune.trainer.model.Scalars;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * The training loop, DJL style: batch, forward, loss, backward, clip, step — everything else
 * (logging, evaluation, saving) is the caller's, through the {@link Consumer} of step records. What
 * is optimised is the {@link Objective}'s: the loop is the same for every objective.
 *
 * <p>Step k (0-based) uses examples k·B·G … of the epoch's order (file order with {@code
 * shuffle=false}); its loss is weighted over all its micro-batches as the objective weighs examples
 * (by scored tokens for SFT), computed before the update: each micro-batch's summed loss is divided
 * by the whole step's weight, so the summed gradients are those of the step's mean loss. Every step
 * runs in its own NDManager and NDScope, so no per-step array outlives it.
 *
 * <p>With {@link Precision#FLOAT16} the matrix products run in float16 (see {@link Precision}), the
 * loss is multiplied by a {@link LossScaler}'s scale before the backward pass, and the float32
 * gradients are unscaled (folded into the clipping factor); a step whose gradients overflowed is
 * skipped: no update, no optimizer step, the scale halves.
 */
public final class TrainingLoop {
  private final CausalLmBlock model;
  private final Objective objective;
  private final Map<String, NDArray> trainable;
  private final TrainingOptions options;
  private final NDManager manager;
  private final AdamW optimizer;
  private LossScaler scaler;
  private DataParallel parallel;

  /** Examples per forward pass; the step's examples (the global batch) do not depend on it. */
  private int microBatch;

  private boolean outOfMemoryInjected;
  private IntConsumer onMicroBatchChange = size -> {};

  /**
   * @param model the forward pass
   * @param objective what each micro-batch's loss is
   * @param trained the arrays to train (all of the model's, or a LoRA adapter's); nothing else
   *     receives a gradient or an update
   */
  public TrainingLoop(
      CausalLmBlock model,
      Objective objective,
      TrainedWeights trained,
      TrainingOptions options,
      NDManager manager) {
    this.model = model;
    this.objective = objective;
    this.trainable = trained.arrays();
    this.options = options;
    this.manager = manager;
    this.optimizer =
        new AdamW(options.beta1(), options.beta2(), options.eps(), options.weightDecay(), manager);
    model.setPrecision(options.precision());
    this.microBatch = options.batchSize();
    this.scaler =
        options.precision() == Precision.FLOAT16
            ? new LossScaler(options.initialLossScale(), LossScaler.GROWTH_INTERVAL)
            : null;
  }

  /** Continues after the steps in {@code history} (a resumed checkpoint's): the loss scale. */
  public void resume(List<StepRecord> history) {
    if (scaler != null) {
      scaler = LossScaler.replay(options.initialLossScale(), LossScaler.GROWTH_INTERVAL, history);
    }
  }

  /**
   * Trains with micro-batches of {@code size} examples instead of the batch size: the step's
   * examples and so its numbers stay those of batchSize × gradientAccumulationSteps.
   */
  public void useMicroBatch(int size) {
    if (size < 1 || size > options.batchSize()) {
      throw new IllegalArgumentException("a micro-batch of " + size + " examples");
    }
    this.microBatch = size;
  }

  public int microBatch() {
    return microBatch;
  }

  /** Called with the new size when an out-of-memory error halved the micro-batch. */
  public void onMicroBatchChange(IntConsumer listener) {
    this.onMicroBatchChange = listener;
  }

  /** Optimizer steps one epoch of {@code count} examples takes. */
  public long stepsPerEpoch(int count) {
    return options.stepsPerEpoch(count);
  }

  public long totalSteps(int count) {
    return options.totalSteps(count);
  }

  /**
   * Trains on {@code examples}; calls {@code onStep} after every optimizer step and {@code
   * onEvalDue} when an evaluation is due (step number given).
   */
  public void run(
      List<Example> examples,
      Consumer<StepRecord> onStep,
      java.util.function.LongConsumer onEvalDue) {
    run(examples, 0, onStep, onEvalDue);
  }

  /**
   * Runs steps {@code startStep} … total−1. A resumed run (weights and optimizer state restored
   * from a checkpoint taken after {@code startStep} steps) computes exactly what the uninterrupted
   * run would: the data order depends only on (seed, epoch) and the schedule only on the step.
   */
  public void run(
      List<Example> examples,
      long startStep,
      Consumer<StepRecord> onStep,
      java.util.function.LongConsumer onEvalDue) {
    run(examples, startStep, onStep, onEvalDue, () -> false);
  }

  /**
   * As above, and stops after the step during which {@code stop} became true.
   *
   * @return the number of steps done
   */
  public long run(
      List<Example> examples,
      long startStep,
      Consumer<StepRecord> onStep,
      java.util.function.LongConsumer onEvalDue,
      java.util.function.BooleanSupplier stop) {
    return run(examples, startStep, onStep, onEvalDue, step -> {}, stop);
  }

  /**
   * As above, with {@code onStepEnd} after each step and its evaluation. A run that is already
   * asked to stop before its first step (resumed after early stopping finished it) trains none.
   */
  public long run(
      List<Example> examples,
      long startStep,
      Consumer<StepRecord> onStep,
      java.util.function.LongConsumer onEvalDue,
      java.util.function.LongConsumer onStepEnd,
      java.util.function.BooleanSupplier stop) {
    List<Example> usable = new ArrayList<>(examples);
    usable.removeIf(e -> objective.weight(e) == 0);
    if (usable.isEmpty()) {
      throw TrainerException.data("no example has a token to learn (all are too short)");
    }
    long perEpoch = stepsPerEpoch(usable.size());
    long total = totalSteps(usable.size());
    long warmup =
        options.warmupRatio() > 0
            ? (long) Math.ceil(options.warmupRatio() * total)
            : options.warmupSteps();
    LrSchedule schedule =
        new LrSchedule(options.scheduler(), options.learningRate(), warmup, total);
    trainable.values().forEach(a -> a.setRequiresGradient(true));
    GradMode.offOnThisThread();

    if (stop.getAsBoolean()) {
      return startStep;
    }
    // Replicas copy the weights as they are now: after a resume restored them.
    parallel =
        options.replicas() > 1
            ? DataParallel.create(model, objective, trainable, options.replicas(), manager)
            : null;
    try {
      return steps(
          usable, startStep, perEpoch, total, schedule, onStep, onEvalDue, onStepEnd, stop);
    } finally {
      if (parallel != null) {
        parallel.close();
        parallel = null;
      }
    }
  }

  private long steps(
      List<Example> usable,
      long startStep,
      long perEpoch,
      long total,
      LrSchedule schedule,
      Consumer<StepRecord> onStep,
      java.util.function.LongConsumer onEvalDue,
      java.util.function.LongConsumer onStepEnd,
      java.util.function.BooleanSupplier stop) {
    int perStep = options.batchSize() * options.gradientAccumulationSteps();
    List<Example> order = new ArrayList<>();
    long epochIndex = -1;
    for (long step = startStep; step < total; step++) {
      long epoch = step / perEpoch;
      if (epoch != epochIndex) {
        epochIndex = epoch;
        order = new ArrayList<>(usable);
        if (options.shuffle()) {
          Collections.shuffle(order, new Random(options.seed() + epoch));
        }
      }
      int from = (int) ((step % perEpoch) * perStep);
      List<Example> stepExamples = order.subList(from, Math.min(order.size(), from + perStep));
      double lr = schedule.at(step);
      StepRecord record = fittedStep(stepExamples, lr, step, (double) (step + 1) / perEpoch);
      onStep.accept(record);
      boolean endOfEpoch = (step + 1) % perEpoch == 0;
      boolean last = step + 1 == total;
      if (last
          || (options.evalEverySteps() > 0
              ? (step + 1) % options.evalEverySteps() == 0
              : endOfEpoch)) {
        onEvalDue.accept(step + 1);
      }
      onStepEnd.accept(step + 1);
      if (stop.getAsBoolean()) {
        return step + 1;
      }
    }
    return total;
  }

  /**
   * Step {@code step} (0-based); with {@code batchSize: auto}, an out-of-memory error in its
   * forward or backward passes halves the micro-batch (doubling the micro-batches per step) and the
   * step runs again from the start: same examples, same draws, so the same numbers. Without it, or
   * at a micro-batch of 1, the run fails for good with what to change.
   */
  private StepRecord fittedStep(List<Example> examples, double lr, long step, double epoch) {
    while (true) {
      // Random draws (LoRA dropout) depend on (seed, step) only, so a resumed run draws the same.
      Engine.getInstance().setRandomSeed(stepSeed(options.seed(), step));
      try {
        return step(examples, lr, step + 1, epoch);
      } catch (OutOfMemoryInStep e) {
        // What the failed passes accumulated goes (without data parallel, with the step's
        // manager); the step starts over.
        if (parallel != null) {
          trainable.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
          parallel.zeroGradients();
        }
        if (!options.sizing().auto() || microBatch == 1) {
          throw OutOfMemory.failure(
              e.error, step + 1, microBatch, e.maxLength, manager.getDevice().isGpu());
        }
        microBatch = (microBatch + 1) / 2;
        System.err.printf(
            "step %d: out of memory (%s); the micro-batch is now %d, the global batch stays %d%n",
            step + 1,
            String.valueOf(e.error.getMessage()).lines().findFirst().orElse(""),
            microBatch,
            options.batchSize() * options.gradientAccumulationSteps());
        onMicroBatchChange.accept(microBatch);
      }
    }
  }

  /**
   * The step's forward and backward passes, micro-batch by micro-batch (on the replicas with data
   * parallel); an engine out-of-memory error becomes {@link OutOfMemoryInStep}.
   */
  private Sums forwardBackward(
      List<List<Example>> micro,
      UnaryOperator<NDArray> toRoot,
      NDManager step,
      long stepNumber,
      StepGradients gradients) {
    Sums sums = new Sums();
    try {
      if (Long.valueOf(stepNumber).equals(options.sizing().outOfMemoryAtStep())
          && !outOfMemoryInjected) {
        outOfMemoryInjected = true;
        throw OutOfMemory.injected(stepNumber);
      }
      if (parallel != null) {
        parallel.forwardBackward(micro, toRoot, sums);
      } else {
        for (List<Example> batchExamples : micro) {
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            model.setTraining(true);
            try (LossPass pass = LossPass.forward(objective, model, batchExamples, step, toRoot)) {
              sums.add(pass);
              gradients.backward(pass.root());
            }
          } finally {
            model.setTraining(false);
          }
        }
      }
    } catch (RuntimeException e) {
      if (OutOfMemory.is(e)) {
        throw new OutOfMemoryInStep(
            e, micro.stream().flatMap(List::stream).mapToInt(Example::length).max().orElse(0));
      }
      throw e;
    }
    return sums;
  }

  /** An engine out-of-memory error in a step's forward or backward passes: the step may rerun. */
  private static final class OutOfMemoryInStep extends RuntimeException {
    private final RuntimeException error;
    private final int maxLength;

    OutOfMemoryInStep(RuntimeException error, int maxLength) {
      super(error);
      this.error = error;
      this.maxLength = maxLength;
    }
  }

  private StepRecord step(List<Example> examples, double lr, long stepNumber, double epoch) {
    long weight = examples.stream().mapToLong(objective::weight).sum();
    double lossScale = scaler == null ? 1 : scaler.scale();
    // The tokens the step learns from: every micro-batch's scored positions.
    long tokens = examples.stream().mapToLong(Example::scoredCount).sum();
    // What each micro-batch's backward pass starts from: its share of the step's mean loss
    // (times the loss scale in float16).
    UnaryOperator<NDArray> toRoot =
        sum ->
            scaler == null
                ? sum.div(Scalars.of(sum.getManager(), weight))
                : sum.mul(Scalars.of(sum.getManager(), lossScale / weight));
    List<List<Example>> micro = new ArrayList<>();
    for (int i = 0; i < examples.size(); i += microBatch) {
      micro.add(examples.subList(i, Math.min(examples.size(), i + microBatch)));
    }
    try (NDManager step = manager.newSubManager();
        NDScope scope = new NDScope();
        // Without data parallel, gradients of the step's own (see StepGradients); the replicas
        // accumulate into their parameters' .grad and are summed into the primary's.
        StepGradients gradients =
            parallel == null ? new StepGradients(List.copyOf(trainable.values()), step) : null) {
      scope.suppressNotUsedWarning();
      Sums sums = forwardBackward(micro, toRoot, step, stepNumber, gradients);
      Map<String, Double> metrics = sums.means(weight);
      double loss = metrics.get(MetricNames.LOSS);
      if (!Double.isFinite(loss)) {
        throw TrainerException.config(
            "the training loss became "
                + loss
                + " at step "
                + stepNumber
                + (scaler == null
                    ? "; lower the learning rate or check the data"
                    : " (the forward pass overflowed float16, whose largest value is 65504);"
                        + " lower the learning rate or train in float32"));
      }
      List<NDArray> grads = new ArrayList<>();
      if (gradients != null) {
        grads.addAll(gradients.sums());
      } else {
        for (NDArray p : trainable.values()) {
          grads.add(p.getGradient());
        }
      }
      // One read back to Java per step: every getFloat() costs a JNI call and a buffer.
      double norm = optimizer.gradNorm(grads).getFloat() / lossScale;
      if (scaler != null) {
        metrics.put(MetricNames.LOSS_SCALE, lossScale);
      }
      if (scaler != null && !Double.isFinite(norm)) {
        return skipOverflowed(stepNumber, epoch, lr, tokens, lossScale, metrics, gradients == null);
      }
      metrics.put(MetricNames.GRAD_NORM, norm);
      double clip =
          options.maxGradNorm() > 0 ? Math.min(1.0, options.maxGradNorm() / (norm + 1e-6)) : 1.0;
      // Clipping and unscaling in one multiplication of each gradient; with data parallel the
      // step leaves the .grad arrays zeroed (they accumulate over a step's micro-batches until
      // then), otherwise the step's manager drops the gradients.
      NDArray gradFactor = Scalars.of(step, clip / lossScale);
      optimizer.step(
          trainable, grads, gradFactor, clip < 1.0 || lossScale != 1, lr, gradients == null);
      if (parallel != null) {
        parallel.broadcast();
      }
      if (scaler != null) {
        scaler.update(false);
      }
      return StepRecord.train(stepNumber, epoch, lr, tokens, metrics);
    }
  }

  /**
   * A float16 step whose gradients overflowed: they are dropped, nothing is updated, the optimizer
   * does not count a step, and the scale halves. Below a scale of 1 the gradients overflow without
   * any scaling: float16 cannot hold them, and the run fails rather than skip every step.
   */
  private StepRecord skipOverflowed(
      long stepNumber,
      double epoch,
      double lr,
      long tokens,
      double lossScale,
      Map<String, Double> metrics,
      boolean inParameters) {
    if (inParameters) {
      trainable.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
    }
    scaler.update(true);
    if (scaler.scale() < 1) {
      throw TrainerException.config(
          "the gradients overflowed float16 at step "
              + stepNumber
              + " even with the loss scale at "
              + lossScale
              + "; train in float32");
    }
    System.err.printf(
        "step %d: gradients overflowed float16 at loss scale %.0f; skipped, scale now %.0f%n",
        stepNumber, lossScale, scaler.scale());
    return StepRecord.skipped(stepNumber, epoch, lr, tokens, metrics);
  }

  /**
   * A step's loss and statistics summed over its micro-batches, then divided by the step's weight:
   * the step's metrics, the loss first. One per thread: data parallel adds the replicas' in order.
   */
  static final class Sums {
    private double loss;
    private final Map<String, Double> statistics = new LinkedHashMap<>();

    void add(LossPass pass) {
      loss += pass.sum();
      pass.statistics().forEach((name, value) -> statistics.merge(name, value, Double::sum));
    }

    /** Adds another replica's sums. */
    void add(Sums other) {
      loss += other.loss;
      other.statistics.forEach((name, value) -> statistics.merge(name, value, Double::sum));
    }

    Map<String, Double> means(long weight) {
      Map<String, Double> means = new LinkedHashMap<>();
      means.put(MetricNames.LOSS, loss / weight);
      statistics.forEach((name, sum) -> means.put(name, sum / weight));
      return means;
    }
  }

  /** The engine seed for step {@code step}: distinct per step, fixed by the run's seed. */
  static int stepSeed(long seed, long step) {
    return java.util.Objects.hash(seed, step);
  }

  public AdamW optimizer() {
    return optimizer;
  }
}
