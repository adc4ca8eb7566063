/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.api.protocol.TrainerCapabilities;
import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.Precision;
import dev.finetune.trainer.train.EarlyStopping;
import dev.finetune.trainer.train.TrainRequest;
import dev.finetune.trainer.train.TrainingOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The train command's flags. None has a value of its own: a flag that is given sets its field of
 * the {@link TrainRequest.Builder} (over what a --config file set), one that is not leaves the
 * builder's value, whose defaults ({@link TrainingDefaults}) the descriptions quote.
 */
final class TrainOptions {
  @Option(
      names = "--model",
      description =
          "Hugging Face model: a folder, hf://org/name[@revision] or an https:// folder URL.")
  String model;

  @Option(names = "--adapter", description = "PEFT LoRA adapter directory to apply.")
  Path adapter;

  @Option(
      names = "--data",
      description =
          "JSONL data: a file, hf://datasets/org/name[@revision]/path/file.jsonl or an https://"
              + " URL.")
  String data;

  @Option(
      names = "--format",
      description = "text, promptCompletion or chat.",
      converter = ModelOptions.FormatConverter.class)
  DataFormat format;

  @Option(
      names = "--max-length",
      description = "Tokens per example (default " + TrainingDefaults.MAX_LENGTH + ").")
  Integer maxLength;

  @Mixin SourceOptions sources;

  @Option(
      names = "--termination-message-path",
      description =
          "Write the final result JSON (status, output, losses, tokens, steps) to this file, e.g."
              + " /dev/termination-log in a pod.")
  Path terminationMessagePath;

  @Option(
      names = "--save-every-steps",
      description = "Write OUTPUT/checkpoint-<step>/ every N steps; 0 writes none (default).")
  Long saveEverySteps;

  @Option(
      names = "--save-total-limit",
      description =
          "Keep the newest N checkpoints (default " + TrainingDefaults.CHECKPOINT_KEEP_LAST + ").")
  Integer saveTotalLimit;

  @Option(
      names = "--checkpoint-dir",
      description =
          "Where checkpoints go (default: --output). A run resumes from the newest complete one"
              + " found there.")
  Path checkpointDir;

  @Option(
      names = "--stop-grace-seconds",
      description =
          "On SIGTERM, finish the current step, save a checkpoint and exit (code 143) within this"
              + " many seconds (default "
              + TrainRequest.STOP_GRACE_SECONDS
              + "; keep it below the pod's grace period).")
  Long stopGraceSeconds;

  @Option(
      names = "--progress-port",
      description =
          "Serve GET /progress, /metrics and /healthz on this port; 0 picks a free one, -1 (the"
              + " default) serves nothing.")
  Integer progressPort;

  @Option(names = "--output", description = "Output directory.")
  Path output;

  @Option(
      names = "--method",
      description =
          "full (every weight trains; final/ is a model) or lora (only a LoRA adapter trains;"
              + " final/ is a PEFT adapter). Default full.")
  String method;

  @Option(
      names = "--lora-rank",
      description = "LoRA rank r (default " + TrainingDefaults.LORA_RANK + ").")
  Integer loraRank;

  @Option(
      names = "--lora-alpha",
      description =
          "LoRA alpha; the update is scaled by alpha / r (default "
              + TrainingDefaults.LORA_ALPHA
              + ").")
  Double loraAlpha;

  @Option(
      names = "--lora-dropout",
      description =
          "Dropout on the LoRA branch's input while training (default "
              + TrainingDefaults.LORA_DROPOUT
              + ").")
  Double loraDropout;

  @Option(
      names = "--lora-target-modules",
      split = ",",
      description =
          "Hugging Face module names to adapt, e.g. q_proj,v_proj (Llama, Mistral, Qwen, Gemma),"
              + " qkv_proj (Phi-3) or c_attn (GPT-2). Default: the attention query and value"
              + " projections (PEFT's default).")
  List<String> loraTargetModules;

  @Option(
      names = "--merge-adapter",
      description =
          "With --method lora, also write OUTPUT/merged/: the base model with the adapter folded"
              + " into its weights, in Hugging Face layout.")
  boolean mergeAdapter;

  @Option(
      names = "--eval-data",
      description = "Validation JSONL, same format and source forms as --data.")
  String evalData;

  @Option(
      names = "--eval-max-length",
      description = "Tokens per validation example (default: --max-length).")
  Integer evalMaxLength;

  @Option(
      names = "--packing",
      description =
          "Pack training examples into sequences of --max-length tokens (best-fit decreasing);"
              + " each keeps its own positions and attends only to itself.")
  boolean packing;

  @Option(
      names = "--validation-split",
      description =
          "Hold out this fraction of --data for validation, chosen by --seed (the same examples"
              + " after a restart); instead of --eval-data.")
  Double validationSplit;

  @Option(
      names = "--dtype",
      description =
          "float32 (default) or float16: mixed precision, the matrix products in float16 with"
              + " float32 master weights and dynamic loss scaling; for LoRA the frozen base is held"
              + " in float16.")
  String dtype;

  @Option(
      names = "--checkpoint-volume-bytes",
      description =
          "prepare: the size of the volume whose root is the checkpoint folder's parent (a claim's"
              + " size), when its filesystem reports more free space than the volume may hold.")
  Long checkpointVolumeBytes;

  @Option(
      names = "--replicas",
      description =
          "Model replicas trained data parallel, one per device (default: one per visible GPU, one"
              + " on the CPU). Each step's micro-batches are dealt to them in turn; the global"
              + " batch stays batch size x gradient accumulation steps. More than one on the CPU"
              + " only tests the code path.")
  Integer replicas;

  @Option(
      names = "--early-stopping-patience",
      description =
          "Stop after this many evaluations without an improvement of the eval loss; final/ is"
              + " then the best evaluation's model. Needs validation data.")
  Integer earlyStoppingPatience;

  @Option(
      names = "--early-stopping-min-delta",
      description = "The smallest decrease of the eval loss that counts as one (default 0).")
  Double earlyStoppingMinDelta;

  @Option(
      names = "--eval-every-steps",
      description = "Evaluate every N steps (default: at the end of each epoch).")
  Long evalEverySteps;

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
      description = "Examples per micro-batch (default " + TrainingDefaults.BATCH_SIZE + ").")
  Integer batchSize;

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
      names = "--skip-invalid-lines",
      description = "Skip bad lines (reported) instead of stopping.")
  boolean skipInvalid;

  @Option(
      names = "--log-every-steps",
      description =
          "Without a terminal, print a progress line every N steps (default "
              + TrainRequest.LOG_EVERY_STEPS
              + ").")
  Integer logEvery;

  @Option(
      names = "--no-progress-bar",
      description = "Print log lines even on an interactive terminal.")
  boolean noProgressBar;

  /** Sets on {@code b} every flag that was given; returns {@code b}. */
  TrainRequest.Builder applyTo(TrainRequest.Builder b) {
    given(model, b::setModel);
    given(adapter, b::optAdapter);
    given(data, b::setData);
    given(format, b::setFormat);
    given(maxLength, b::optMaxLength);
    b.optSources(sources.settings());
    given(sources.tokenFile, b::optHubTokenFile);
    given(terminationMessagePath, b::optTerminationMessagePath);
    given(saveEverySteps, b::optSaveEverySteps);
    given(saveTotalLimit, b::optSaveTotalLimit);
    given(checkpointDir, b::optCheckpointDir);
    given(stopGraceSeconds, s -> b.optStopGrace(Duration.ofSeconds(s)));
    given(progressPort, b::optProgressPort);
    given(output, b::setOutput);
    given(method, m -> b.optMethod(method(m)));
    given(loraRank, b::optLoraRank);
    given(loraAlpha, b::optLoraAlpha);
    given(loraDropout, b::optLoraDropout);
    given(loraTargetModules, b::optLoraTargetModules);
    if (mergeAdapter) {
      b.optMergeAdapter(true);
    }
    given(evalData, b::optEvalData);
    given(evalMaxLength, b::optEvalMaxLength);
    given(validationSplit, b::optValidationSplit);
    if (packing) {
      b.optPacking(true);
    }
    if (earlyStoppingPatience != null) {
      b.optEarlyStopping(
          new EarlyStopping(
              earlyStoppingPatience, earlyStoppingMinDelta == null ? 0 : earlyStoppingMinDelta));
    } else if (earlyStoppingMinDelta != null) {
      throw TrainerException.config("--early-stopping-min-delta needs --early-stopping-patience");
    }
    given(learningRate, b::optLearningRate);
    given(skipInvalid ? Boolean.TRUE : null, b::optSkipInvalidLines);
    given(logEvery, b::optLogEverySteps);
    if (noProgressBar) {
      b.optProgressBar(false);
    }
    TrainingOptions.Builder t = b.training();
    given(dtype, d -> t.optPrecision(precision(d, "--dtype")));
    given(replicas, t::optReplicas);
    given(checkpointVolumeBytes, b::optCheckpointVolumeBytes);
    given(evalEverySteps, t::optEvalEverySteps);
    given(length.epochs, t::optEpochs);
    given(length.maxSteps, t::optMaxSteps);
    given(batchSize, t::optBatchSize);
    given(accumulation, t::optGradientAccumulationSteps);
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
    return b;
  }

  private static <T> void given(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  static MethodType method(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "full" -> MethodType.FULL;
      case "lora" -> MethodType.LORA;
      default -> throw TrainerException.config("--method is full or lora, not \"" + name + "\"");
    };
  }

  /** The training precision named {@code name} (float32 or float16), given at {@code field}. */
  static Precision precision(String name, String field) {
    ModelDtype dtype =
        java.util.Arrays.stream(ModelDtype.values())
            .filter(d -> d.name().equalsIgnoreCase(name))
            .findFirst()
            .orElseThrow(
                () ->
                    TrainerException.config(
                        field + " is float32 or float16, not \"" + name + "\""));
    TrainerCapabilities.dtype(dtype, field)
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

  static dev.finetune.trainer.train.LrSchedule.Kind scheduler(String name) {
    try {
      return TrainingOptions.scheduler(name);
    } catch (IllegalArgumentException e) {
      throw TrainerException.config(
          "unknown scheduler \"" + name + "\" (constant, linear or cosine)");
    }
  }
}
