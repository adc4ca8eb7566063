/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerCapabilities;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.LoraSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.train.CheckpointOptions;
import dev.finetune.trainer.train.EarlyStopping;
import dev.finetune.trainer.train.InputOptions;
import dev.finetune.trainer.train.MethodOptions;
import dev.finetune.trainer.train.TrainRequest;
import dev.finetune.trainer.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code train --config FILE}: the operator's {@link TrainerConfig} as a {@link TrainRequest},
 * field by field (flags given beside it override). Each field the user wrote in the FineTuneJob is
 * mapped onto its option by the option's flag and named by the FineTuneJob field, which refusals
 * then name. What the trainer cannot do yet is refused with a configuration error, never silently
 * dropped.
 */
final class TrainerConfigRequest {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final String HP = "spec.hyperparameters.";

  /** The FineTuneJob field each option came from, by flag. */
  private final Map<String, String> fields = new HashMap<>();

  private TrainerConfigRequest() {}

  static TrainerConfig read(Path file) {
    TrainerConfig config;
    try {
      config = JSON.readValue(file.toFile(), TrainerConfig.class);
    } catch (IOException e) {
      throw TrainerException.config(
          "cannot read the trainer config " + file + ": " + e.getMessage());
    }
    if (config.schemaVersion() != TrainerConfig.SCHEMA_VERSION) {
      throw TrainerException.config(
          file
              + ": schemaVersion "
              + config.schemaVersion()
              + " is not supported (expected "
              + TrainerConfig.SCHEMA_VERSION
              + ")");
    }
    return config;
  }

  /** A builder holding everything {@code c} says, naming options by their FineTuneJob fields. */
  static TrainRequest.Builder builder(TrainerConfig c) {
    TrainerConfigRequest mapping = new TrainerConfigRequest();
    TrainRequest.Builder b = TrainRequest.builder();
    b.optNames(flag -> mapping.fields.getOrDefault(flag, flag));
    mapping.operatorFields(c, b);
    mapping.inputs(c, b.inputs());
    mapping.method(c, b.method());
    mapping.training(c, b.training());
    mapping.checkpoints(c.checkpoints(), b.checkpointing());
    return b;
  }

  /** What the operator sets itself, checked first so that a refusal reaches the job's status. */
  private void operatorFields(TrainerConfig c, TrainRequest.Builder b) {
    given(c.terminationMessagePath(), p -> b.reporting().optTerminationMessagePath(Path.of(p)));
    given(c.outputDir(), o -> b.checkpointing().setOutput(Path.of(o)));
    b.reporting().optProgressPort(c.progressPort());
    required(c.model() == null ? null : c.model().source(), "model.source");
    // The same contract the operator's validator applies: refused here too, never ignored.
    List<String> unsupported = TrainerCapabilities.check(c);
    if (!unsupported.isEmpty()) {
      throw TrainerException.config(String.join("; ", unsupported));
    }
    if (c.data() == null) {
      throw TrainerException.config("the trainer config has no data section");
    }
    required(c.data().train(), "data.train");
    required(c.data().format(), "data.format");
    required(c.outputDir(), "outputDir");
  }

  private void inputs(TrainerConfig c, InputOptions.Builder in) {
    TrainerConfig.Data d = c.data();
    map(c.model().source(), "--model", "spec.model.source", in::setModel);
    map(
        c.model().tokenFile(),
        "--hf-token-file",
        "spec.model.tokenSecretRef",
        f -> in.optHubTokenFile(Path.of(f)));
    map(d.train(), "--data", "spec.dataset.train.source", in::setData);
    map(d.format(), "--format", "spec.dataset.format", in::setFormat);
    map(d.maxLength(), "--max-length", "spec.dataset.maxLength", in::optMaxLength);
    map(d.packing(), "--packing", "spec.dataset.packing", in::optPacking);
    map(d.validation(), "--eval-data", "spec.dataset.validation.source", in::optEvalData);
    map(
        d.validationSplit(),
        "--validation-split",
        "spec.dataset.validationSplit",
        in::optValidationSplit);
  }

  private void method(TrainerConfig c, MethodOptions.Builder m) {
    map(c.method(), "--method", "spec.method.type", m::optType);
    // LoRA settings mean nothing to full fine-tuning (the operator fills their defaults anyway).
    LoraSpec lora = c.method() == MethodType.LORA && c.lora() != null ? c.lora() : new LoraSpec();
    map(lora.getRank(), "--lora-rank", "spec.method.lora.rank", m::optLoraRank);
    map(lora.getAlpha(), "--lora-alpha", "spec.method.lora.alpha", m::optLoraAlpha);
    map(lora.getDropout(), "--lora-dropout", "spec.method.lora.dropout", m::optLoraDropout);
    List<String> targets = lora.getTargetModules();
    map(
        targets == null || targets.isEmpty() ? null : targets,
        "--lora-target-modules",
        "spec.method.lora.targetModules",
        m::optLoraTargetModules);
  }

  private void training(TrainerConfig c, TrainingOptions.Builder t) {
    Hyperparameters h = c.hyperparameters() == null ? new Hyperparameters() : c.hyperparameters();
    map(
        c.model().dtype(),
        "--dtype",
        "spec.model.dtype",
        d -> t.optPrecision(TrainingFlags.precision(d)));
    map(h.getMaxSteps(), "--max-steps", HP + "maxSteps", t::optMaxSteps);
    // maxSteps wins, as --max-steps and --epochs exclude each other.
    map(h.getMaxSteps() == null ? h.getEpochs() : null, "--epochs", HP + "epochs", t::optEpochs);
    map(h.getBatchSize(), "--batch-size", HP + "batchSize", t::optBatchSize);
    map(
        h.getGradientAccumulationSteps(),
        "--gradient-accumulation-steps",
        HP + "gradientAccumulationSteps",
        t::optGradientAccumulationSteps);
    map(h.getLearningRate(), "--learning-rate", HP + "learningRate", t::optLearningRate);
    map(h.getWarmupSteps(), "--warmup-steps", HP + "warmupSteps", t::optWarmupSteps);
    map(h.getWarmupRatio(), "--warmup-ratio", HP + "warmupRatio", t::optWarmupRatio);
    map(
        h.getScheduler(),
        "--scheduler",
        HP + "scheduler",
        s -> t.optScheduler(TrainingOptions.scheduler(s.name())));
    map(h.getWeightDecay(), "--weight-decay", HP + "weightDecay", t::optWeightDecay);
    map(h.getMaxGradNorm(), "--max-grad-norm", HP + "maxGradNorm", t::optMaxGradNorm);
    map(h.getSeed(), "--seed", HP + "seed", t::optSeed);
    map(h.getEvalEverySteps(), "--eval-every-steps", HP + "evalEverySteps", t::optEvalEverySteps);
    map(
        h.getEarlyStopping(),
        "--early-stopping-patience",
        HP + "earlyStopping",
        e -> t.optEarlyStopping(earlyStopping(e)));
  }

  private void checkpoints(TrainerConfig.Checkpoints k, CheckpointOptions.Builder o) {
    if (k == null) {
      return;
    }
    o.optCheckpointDir(Path.of(k.dir()));
    map(k.everySteps(), "--save-every-steps", "spec.checkpoints.everySteps", o::optSaveEverySteps);
    map(k.keepLast(), "--save-total-limit", "spec.checkpoints.keepLast", o::optSaveTotalLimit);
    map(
        k.volumeBytes(),
        "--checkpoint-volume-bytes",
        "spec.checkpoints.storage.size",
        o::optVolumeBytes);
  }

  private static EarlyStopping earlyStopping(dev.finetune.api.v1alpha1.EarlyStopping e) {
    return new EarlyStopping(
        required(e.getPatience(), "hyperparameters.earlyStopping.patience"),
        e.getMinDelta() == null ? 0 : e.getMinDelta());
  }

  /**
   * Sets the option of {@code flag} to {@code value} unless it is null, and names the option by
   * {@code field} either way: in the FineTuneJob, that is where the user sets it.
   */
  private <T> void map(T value, String flag, String field, Consumer<T> setter) {
    fields.put(flag, field);
    if (value != null) {
      setter.accept(value);
    }
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw TrainerException.config("the trainer config has no " + field);
    }
    return value;
  }

  private static <T> void given(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
