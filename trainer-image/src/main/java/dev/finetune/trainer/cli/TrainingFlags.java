/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static dev.finetune.trainer.cli.TrainOptions.given;

import dev.finetune.api.protocol.TrainerCapabilities;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.Precision;
import dev.finetune.trainer.train.BatchSizing;
import dev.finetune.trainer.train.EarlyStopping;
import dev.finetune.trainer.train.LrSchedule;
import dev.finetune.trainer.train.TrainingOptions;
import java.util.Arrays;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The flags of {@link TrainingOptions}: the optimizer, the schedule, evaluation and early stopping,
 * the precision and the devices (how many replicas, how many GPUs the run must have).
 */
final class TrainingFlags {
  private static final String HP = "spec.hyperparameters.";

  @ArgGroup(exclusive = true)
  Length length = new Length();

  static final class Length {
    @Option(
        names = "--epochs",
        description = "Passes over the data (default " + TrainingDefaults.EPOCHS + ").")
    Integer epochs;

    @Option(names = "--max-steps", description = "Optimizer steps instead of whole epochs.")
    Long maxSteps;
  }

  @Option(
      names = "--batch-size",
      description =
          "Examples per micro-batch (default "
              + TrainingDefaults.BATCH_SIZE
              + "), or auto: the largest that fits the device, at most --max-batch-size, the"
              + " global batch kept through gradient accumulation.")
  String batchSize;

  @Option(
      names = "--max-batch-size",
      description =
          "With --batch-size auto: the largest micro-batch, and the global batch is this times"
              + " --gradient-accumulation-steps (default "
              + TrainingDefaults.BATCH_SIZE
              + ").")
  Integer maxBatchSize;

  @Option(
      names = "--device-memory-limit",
      hidden = true,
      description = "Tests: the bytes the device is taken to have.")
  Long deviceMemoryLimit;

  @Option(
      names = "--inject-out-of-memory-at-step",
      hidden = true,
      description = "Tests: the step whose first micro-batch fails as out of memory, once.")
  Long outOfMemoryAtStep;

  @Option(
      names = "--gradient-accumulation-steps",
      description =
          "Micro-batches per optimizer step (default "
              + TrainingDefaults.GRADIENT_ACCUMULATION_STEPS
              + ").")
  Integer accumulation;

  @Option(
      names = "--learning-rate",
      description =
          "Peak learning rate (default "
              + TrainingDefaults.LEARNING_RATE_FULL
              + " for full fine-tuning, "
              + TrainingDefaults.LEARNING_RATE_LORA
              + " for LoRA).")
  Double learningRate;

  @Option(
      names = "--weight-decay",
      description = "AdamW decoupled weight decay (default " + TrainingDefaults.WEIGHT_DECAY + ").")
  Double weightDecay;

  @Option(
      names = "--adam-beta1",
      description = "AdamW beta1 (default " + TrainingDefaults.ADAM_BETA1 + ").")
  Double beta1;

  @Option(
      names = "--adam-beta2",
      description = "AdamW beta2 (default " + TrainingDefaults.ADAM_BETA2 + ").")
  Double beta2;

  @Option(
      names = "--adam-eps",
      description = "AdamW eps (default " + TrainingDefaults.ADAM_EPS + ").")
  Double eps;

  @Option(
      names = "--max-grad-norm",
      description =
          "Clip the global gradient norm; 0 turns clipping off (default "
              + TrainingDefaults.MAX_GRAD_NORM
              + ").")
  Double maxGradNorm;

  @Option(
      names = "--scheduler",
      description = "constant, linear or cosine decay after warmup (default linear).")
  String scheduler;

  @Option(
      names = "--warmup-steps",
      description = "Linear warmup steps (default " + TrainingDefaults.WARMUP_STEPS + ").")
  Long warmupSteps;

  @Option(
      names = "--warmup-ratio",
      description = "Warmup as a fraction of all steps (instead of --warmup-steps).")
  Double warmupRatio;

  @Option(
      names = "--seed",
      description =
          "Seed for shuffling and initialisation (default " + TrainingDefaults.SEED + ").")
  Long seed;

  @Option(
      names = "--no-shuffle",
      description = "Keep the file order: step k uses examples k*B*G onwards.")
  boolean noShuffle;

  @Option(
      names = "--eval-every-steps",
      description = "Evaluate every N steps (default: at the end of each epoch).")
  Long evalEverySteps;

  @Option(
      names = "--early-stopping-patience",
      description =
          "Stop after this many evaluations without an improvement of the eval loss; final/ is"
              + " then the best evaluation's model. Needs validation data.")
  Integer earlyStoppingPatience;

  @Option(
      names = "--early-stopping-min-delta",
      description = "The smallest improvement of the metric that counts as one (default 0).")
  Double earlyStoppingMinDelta;

  @Option(
      names = "--early-stopping-metric",
      description =
          "The evaluation metric early stopping watches and the best model is chosen by"
              + " (metric_for_best_model): loss (default) or a metric the objective logs; the"
              + " eval_ prefix is optional.")
  String earlyStoppingMetric;

  @Option(
      names = "--early-stopping-greater-is-better",
      arity = "1",
      description =
          "Whether a larger value of the metric is better (default: false for a metric whose"
              + " name ends in loss, true for any other).")
  Boolean earlyStoppingGreaterIsBetter;

  @Option(
      names = "--dtype",
      description =
          "float32 (default) or float16: mixed precision, the matrix products in float16 with"
              + " float32 master weights and dynamic loss scaling; for LoRA the frozen base is held"
              + " in float16.")
  String dtype;

  @Option(
      names = "--replicas",
      description =
          "Model replicas trained data parallel, one per device (default: one per visible GPU, one"
              + " on the CPU). Each step's micro-batches are dealt to them in turn; the global"
              + " batch stays batch size x gradient accumulation steps. More than one on the CPU"
              + " only tests the code path.")
  Integer replicas;

  @Option(
      names = "--gpus",
      description =
          "The GPUs this run must have (the pod's request): it fails at once, exit code 69, when"
              + " the engine can use fewer, instead of training on the CPU; 0 asks for none, a CPU"
              + " run (default: no count is checked).")
  Integer gpus;

  /** Sets on {@code t} every flag that was given. */
  void applyTo(TrainingOptions.Builder t) {
    given(length.epochs, t::optEpochs);
    given(length.maxSteps, t::optMaxSteps);
    given(batchSize, b -> batchSize(b, maxBatchSize, t));
    if (maxBatchSize != null && !"auto".equals(batchSize)) {
      throw TrainerException.config("--max-batch-size needs --batch-size auto");
    }
    if (deviceMemoryLimit != null || outOfMemoryAtStep != null) {
      t.optSizing(new BatchSizing(t.sizing().auto(), deviceMemoryLimit, outOfMemoryAtStep));
    }
    given(accumulation, t::optGradientAccumulationSteps);
    given(learningRate, t::optLearningRate);
    given(weightDecay, t::optWeightDecay);
    given(beta1, t::optBeta1);
    given(beta2, t::optBeta2);
    given(eps, t::optEps);
    given(maxGradNorm, t::optMaxGradNorm);
    given(scheduler, s -> t.optScheduler(scheduler(s)));
    given(warmupSteps, t::optWarmupSteps);
    given(warmupRatio, t::optWarmupRatio);
    given(seed, t::optSeed);
    if (noShuffle) {
      t.optShuffle(false);
    }
    given(evalEverySteps, t::optEvalEverySteps);
    if (earlyStoppingPatience != null) {
      t.optEarlyStopping(
          EarlyStopping.of(
              earlyStoppingPatience,
              earlyStoppingMinDelta == null ? 0 : earlyStoppingMinDelta,
              earlyStoppingMetric,
              earlyStoppingGreaterIsBetter));
    } else if (earlyStoppingMinDelta != null
        || earlyStoppingMetric != null
        || earlyStoppingGreaterIsBetter != null) {
      throw TrainerException.config(
          "--early-stopping-min-delta, --early-stopping-metric and"
              + " --early-stopping-greater-is-better need --early-stopping-patience");
    }
    given(dtype, d -> t.optPrecision(precision(d)));
    given(replicas, t::optReplicas);
    given(gpus, t::optGpus);
  }

  /** Sets on {@code t} what the operator's config says, naming each option by its spec field. */
  static void fromConfig(TrainerConfig c, TrainingOptions.Builder t, ConfigFields config) {
    Hyperparameters h = c.hyperparameters() == null ? new Hyperparameters() : c.hyperparameters();
    config.map(c.model().dtype(), "--dtype", "spec.model.dtype", d -> t.optPrecision(precision(d)));
    config.map(h.getMaxSteps(), "--max-steps", HP + "maxSteps", t::optMaxSteps);
    // maxSteps wins, as --max-steps and --epochs exclude each other.
    config.map(
        h.getMaxSteps() == null ? h.getEpochs() : null, "--epochs", HP + "epochs", t::optEpochs);
    config.map(
        h.getBatchSize() == null
            ? null
            : h.getBatchSize().getIntVal() != null
                ? h.getBatchSize().getIntVal().toString()
                : h.getBatchSize().getStrVal(),
        "--batch-size",
        HP + "batchSize",
        b -> batchSize(b, h.getMaxBatchSize(), t));
    config.name("--max-batch-size", HP + "maxBatchSize");
    config.map(
        h.getGradientAccumulationSteps(),
        "--gradient-accumulation-steps",
        HP + "gradientAccumulationSteps",
        t::optGradientAccumulationSteps);
    config.map(h.getLearningRate(), "--learning-rate", HP + "learningRate", t::optLearningRate);
    config.map(h.getWarmupSteps(), "--warmup-steps", HP + "warmupSteps", t::optWarmupSteps);
    config.map(h.getWarmupRatio(), "--warmup-ratio", HP + "warmupRatio", t::optWarmupRatio);
    config.map(
        h.getScheduler(),
        "--scheduler",
        HP + "scheduler",
        s -> t.optScheduler(TrainingOptions.scheduler(s.name())));
    config.map(h.getWeightDecay(), "--weight-decay", HP + "weightDecay", t::optWeightDecay);
    config.map(h.getMaxGradNorm(), "--max-grad-norm", HP + "maxGradNorm", t::optMaxGradNorm);
    config.map(h.getSeed(), "--seed", HP + "seed", t::optSeed);
    config.map(
        h.getEvalEverySteps(), "--eval-every-steps", HP + "evalEverySteps", t::optEvalEverySteps);
    config.map(
        h.getEarlyStopping(),
        "--early-stopping-patience",
        HP + "earlyStopping",
        e -> t.optEarlyStopping(earlyStopping(e)));
    config.map(c.gpus(), "--gpus", "spec.resources.gpus", t::optGpus);
    // Parts of the earlyStopping object above, named for refusals.
    config.name("--early-stopping-metric", HP + "earlyStopping.metric");
  }

  private static EarlyStopping earlyStopping(dev.finetune.api.v1alpha1.EarlyStopping e) {
    return EarlyStopping.of(
        ConfigFields.required(e.getPatience(), "hyperparameters.earlyStopping.patience"),
        e.getMinDelta() == null ? 0 : e.getMinDelta(),
        e.getMetric(),
        e.getGreaterIsBetter());
  }

  /** A number, or auto with its bound (the largest micro-batch; the default batch size). */
  private static void batchSize(String value, Integer max, TrainingOptions.Builder t) {
    if (value.equals("auto")) {
      t.optBatchSize(max == null ? TrainingDefaults.BATCH_SIZE : max);
      t.optSizing(
          new BatchSizing(true, t.sizing().deviceMemoryLimit(), t.sizing().outOfMemoryAtStep()));
      return;
    }
    try {
      t.optBatchSize(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw TrainerException.config(
          "--batch-size is a number of examples or auto, not \"" + value + "\"");
    }
    t.optSizing(
        new BatchSizing(false, t.sizing().deviceMemoryLimit(), t.sizing().outOfMemoryAtStep()));
  }

  private static Precision precision(String name) {
    ModelDtype dtype =
        Arrays.stream(ModelDtype.values())
            .filter(d -> d.name().equalsIgnoreCase(name))
            .findFirst()
            .orElseThrow(
                () ->
                    TrainerException.config("--dtype is float32 or float16, not \"" + name + "\""));
    TrainerCapabilities.dtype(dtype, "--dtype")
        .ifPresent(
            reason -> {
              throw TrainerException.config(reason);
            });
    return precision(dtype);
  }

  /** The precision of a dtype the trainer supports (see {@link TrainerCapabilities#DTYPES}). */
  static Precision precision(ModelDtype dtype) {
    return switch (dtype) {
      case FLOAT32 -> Precision.FLOAT32;
      case FLOAT16 -> Precision.FLOAT16;
      case BFLOAT16 -> throw new IllegalArgumentException("bfloat16 is not a trainer precision");
    };
  }

  private static LrSchedule.Kind scheduler(String name) {
    try {
      return TrainingOptions.scheduler(name);
    } catch (IllegalArgumentException e) {
      throw TrainerException.config(
          "unknown scheduler \"" + name + "\" (constant, linear or cosine)");
    }
  }
}
