/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.Precision;
import java.util.Locale;

/**
 * How the loop trains (the optimizer, the schedule, the data order), independent of where the
 * settings came from. Build with {@link #builder()}: unset fields take {@link TrainingDefaults}.
 *
 * @param epochs passes over the data (ignored when maxSteps is set)
 * @param maxSteps optimizer steps, or 0 to run whole epochs
 * @param maxGradNorm global-norm clipping threshold, or 0 for none
 * @param warmupSteps linear warmup steps (used when warmupRatio is 0)
 * @param warmupRatio warmup as a fraction of all steps, or 0
 * @param learningRate the peak learning rate (its default depends on the method)
 * @param evalEverySteps evaluation interval, or 0 for once per epoch (when eval data is given)
 * @param earlyStopping stop when the eval loss stops improving (final/ is then the best model), or
 *     null
 * @param precision the forward and backward passes' matrix products in float32, or in float16 with
 *     float32 master weights and dynamic loss scaling
 * @param initialLossScale float16 only: the loss scale of the first step ({@link LossScaler})
 * @param replicas model replicas trained data parallel ({@link DataParallel}), one per device; 0
 *     (the default) means one per visible GPU, or one on the CPU
 * @param earlyStopping when to stop, or null
 * @param sizing how the micro-batch is sized to the device: {@code batchSize} as given, or with
 *     {@code auto} the largest micro-batch that fits, batchSize being the largest it may be
 * @param gpus the GPUs the pod requested: the run fails before the model loads when the engine can
 *     use fewer ({@code DeviceCheck}); 0 is the CPU on purpose; null (not said) checks no count
 */
public record TrainingOptions(
    int batchSize,
    int gradientAccumulationSteps,
    int epochs,
    long maxSteps,
    double learningRate,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    double maxGradNorm,
    LrSchedule.Kind scheduler,
    long warmupSteps,
    double warmupRatio,
    long seed,
    boolean shuffle,
    long evalEverySteps,
    Precision precision,
    double initialLossScale,
    int replicas,
    EarlyStopping earlyStopping,
    BatchSizing sizing,
    Integer gpus) {

  /** Optimizer steps one epoch of {@code count} examples (or packed sequences) takes. */
  public long stepsPerEpoch(int count) {
    long perStep = (long) batchSize * gradientAccumulationSteps;
    return (count + perStep - 1) / perStep;
  }

  /** Optimizer steps of the whole run over {@code count} examples: maxSteps, or whole epochs. */
  public long totalSteps(int count) {
    return maxSteps > 0 ? maxSteps : epochs * stepsPerEpoch(count);
  }

  /** These options with {@code replicas} replicas. */
  public TrainingOptions withReplicas(int replicas) {
    return new TrainingOptions(
        batchSize,
        gradientAccumulationSteps,
        epochs,
        maxSteps,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        eps,
        maxGradNorm,
        scheduler,
        warmupSteps,
        warmupRatio,
        seed,
        shuffle,
        evalEverySteps,
        precision,
        initialLossScale,
        replicas,
        earlyStopping,
        sizing,
        gpus);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The learning-rate schedule named as in the CRD and on the command line. */
  public static LrSchedule.Kind scheduler(String name) {
    return LrSchedule.Kind.valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** Every field starts at its default; {@code optX} changes one. */
  public static final class Builder {
    private int batchSize = TrainingDefaults.BATCH_SIZE;
    private int gradientAccumulationSteps = TrainingDefaults.GRADIENT_ACCUMULATION_STEPS;
    private int epochs = TrainingDefaults.EPOCHS;
    private long maxSteps;
    private Double learningRate;
    private double weightDecay = TrainingDefaults.WEIGHT_DECAY;
    private double beta1 = TrainingDefaults.ADAM_BETA1;
    private double beta2 = TrainingDefaults.ADAM_BETA2;
    private double eps = TrainingDefaults.ADAM_EPS;
    private double maxGradNorm = TrainingDefaults.MAX_GRAD_NORM;
    private LrSchedule.Kind scheduler = scheduler(TrainingDefaults.SCHEDULER.name());
    private long warmupSteps = TrainingDefaults.WARMUP_STEPS;
    private double warmupRatio = TrainingDefaults.WARMUP_RATIO;
    private long seed = TrainingDefaults.SEED;
    private boolean shuffle = true;
    private long evalEverySteps;
    private Precision precision = Precision.FLOAT32;
    private double initialLossScale = LossScaler.INITIAL_SCALE;
    private int replicas;
    private EarlyStopping earlyStopping;
    private BatchSizing sizing = BatchSizing.FIXED;

    private Integer gpus;

    private Builder() {}

    public Builder optSizing(BatchSizing sizing) {
      this.sizing = sizing;
      return this;
    }

    public BatchSizing sizing() {
      return sizing;
    }

    public Builder optGpus(int gpus) {
      this.gpus = gpus;
      return this;
    }

    public Builder optReplicas(int replicas) {
      this.replicas = replicas;
      return this;
    }

    public Builder optPrecision(Precision precision) {
      this.precision = precision;
      return this;
    }

    public Builder optInitialLossScale(double initialLossScale) {
      this.initialLossScale = initialLossScale;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optGradientAccumulationSteps(int steps) {
      this.gradientAccumulationSteps = steps;
      return this;
    }

    public Builder optEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optMaxSteps(long maxSteps) {
      this.maxSteps = maxSteps;
      return this;
    }

    public Builder optLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder optBeta1(double beta1) {
      this.beta1 = beta1;
      return this;
    }

    public Builder optBeta2(double beta2) {
      this.beta2 = beta2;
      return this;
    }

    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    public Builder optMaxGradNorm(double maxGradNorm) {
      this.maxGradNorm = maxGradNorm;
      return this;
    }

    public Builder optScheduler(LrSchedule.Kind scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    public Builder optWarmupSteps(long warmupSteps) {
      this.warmupSteps = warmupSteps;
      return this;
    }

    public Builder optWarmupRatio(double warmupRatio) {
      this.warmupRatio = warmupRatio;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optShuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    public Builder optEvalEverySteps(long evalEverySteps) {
      this.evalEverySteps = evalEverySteps;
      return this;
    }

    public Builder optEarlyStopping(EarlyStopping earlyStopping) {
      this.earlyStopping = earlyStopping;
      return this;
    }

    /** The options for full fine-tuning (the learning rate's default is the full one). */
    public TrainingOptions build() {
      return build(MethodType.FULL, OptionNames.FLAGS);
    }

    TrainingOptions build(MethodType method, OptionNames names) {
      if (warmupRatio > 0 && warmupSteps > 0) {
        throw TrainerException.config(
            "give either "
                + names.of("--warmup-steps")
                + " or "
                + names.of("--warmup-ratio")
                + ", not both");
      }
      if (gpus != null && gpus < 0) {
        throw TrainerException.config(names.of("--gpus") + " is a count of GPUs, not " + gpus);
      }
      return new TrainingOptions(
          batchSize,
          gradientAccumulationSteps,
          epochs,
          maxSteps,
          learningRate != null
              ? learningRate
              : method == MethodType.LORA
                  ? TrainingDefaults.LEARNING_RATE_LORA
                  : TrainingDefaults.LEARNING_RATE_FULL,
          weightDecay,
          beta1,
          beta2,
          eps,
          maxGradNorm,
          scheduler,
          warmupSteps,
          warmupRatio,
          seed,
          shuffle,
          evalEverySteps,
          precision,
          initialLossScale,
          replicas,
          earlyStopping,
          sizing,
          gpus);
    }
  }
}
