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
import dev.finetune.trainer.train.EarlyStopping;
import dev.finetune.trainer.train.TrainRequest;
import dev.finetune.trainer.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code train --config FILE}: the operator's {@link TrainerConfig} as a {@link TrainRequest},
 * field by field (flags given beside it override). What the trainer cannot do yet is refused with a
 * configuration error, never silently dropped.
 */
final class TrainerConfigRequest {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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

  /** A builder holding everything {@code c} says. */
  static TrainRequest.Builder builder(TrainerConfig c) {
    TrainRequest.Builder b = TrainRequest.builder();
    // Where a refusal below is reported, so it reaches the FineTuneJob's status.
    given(c.terminationMessagePath(), p -> b.optTerminationMessagePath(Path.of(p)));
    given(c.outputDir(), o -> b.setOutput(Path.of(o)));
    String model = required(c.model() == null ? null : c.model().source(), "model.source");
    // The same contract the operator's validator applies: refused here too, never ignored.
    List<String> unsupported = TrainerCapabilities.check(c);
    if (!unsupported.isEmpty()) {
      throw TrainerException.config(String.join("; ", unsupported));
    }
    TrainerConfig.Data data = c.data();
    if (data == null) {
      throw TrainerException.config("the trainer config has no data section");
    }
    b.optPacking(data.packing());
    b.setModel(model);
    if (c.model().tokenFile() != null) {
      b.optHubTokenFile(Path.of(c.model().tokenFile()));
    }
    b.setData(required(data.train(), "data.train"));
    b.setFormat(required(data.format(), "data.format"));
    b.optMaxLength(data.maxLength());
    given(data.validation(), b::optEvalData);
    given(data.validationSplit(), b::optValidationSplit);
    Hyperparameters h = c.hyperparameters() == null ? new Hyperparameters() : c.hyperparameters();
    if (h.getEarlyStopping() != null) {
      dev.finetune.api.v1alpha1.EarlyStopping e = h.getEarlyStopping();
      b.optEarlyStopping(
          new EarlyStopping(
              required(e.getPatience(), "hyperparameters.earlyStopping.patience"),
              e.getMinDelta() == null ? 0 : e.getMinDelta()));
    }
    TrainingOptions.Builder t = b.training();
    given(c.model().dtype(), d -> t.optPrecision(TrainOptions.precision(d)));
    if (h.getMaxSteps() != null) {
      t.optMaxSteps(h.getMaxSteps());
    } else {
      given(h.getEpochs(), t::optEpochs);
    }
    given(h.getBatchSize(), t::optBatchSize);
    given(h.getGradientAccumulationSteps(), t::optGradientAccumulationSteps);
    given(h.getLearningRate(), b::optLearningRate);
    given(h.getWarmupSteps(), t::optWarmupSteps);
    given(h.getWarmupRatio(), t::optWarmupRatio);
    given(h.getScheduler(), s -> t.optScheduler(TrainingOptions.scheduler(s.name())));
    given(h.getWeightDecay(), t::optWeightDecay);
    given(h.getMaxGradNorm(), t::optMaxGradNorm);
    given(h.getSeed(), t::optSeed);
    given(h.getEvalEverySteps(), t::optEvalEverySteps);
    if (c.method() == MethodType.LORA) {
      b.optMethod(MethodType.LORA);
      LoraSpec lora = c.lora() == null ? new LoraSpec() : c.lora();
      given(lora.getRank(), b::optLoraRank);
      given(lora.getAlpha(), b::optLoraAlpha);
      given(lora.getDropout(), b::optLoraDropout);
      if (lora.getTargetModules() != null && !lora.getTargetModules().isEmpty()) {
        b.optLoraTargetModules(lora.getTargetModules());
      }
    }
    required(c.outputDir(), "outputDir");
    b.optProgressPort(c.progressPort());
    if (c.checkpoints() != null) {
      b.optCheckpointDir(Path.of(c.checkpoints().dir()));
      b.optSaveEverySteps(c.checkpoints().everySteps());
      b.optSaveTotalLimit(c.checkpoints().keepLast());
      given(c.checkpoints().volumeBytes(), b::optCheckpointVolumeBytes);
    }
    return b;
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
