/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerCapabilities;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.train.TrainRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
    ConfigFields config = new ConfigFields();
    TrainRequest.Builder b = TrainRequest.builder();
    b.optNames(config::nameOf);
    operatorFields(c, b);
    InputFlags.fromConfig(c, b.inputs(), config);
    MethodFlags.fromConfig(c, b.method(), config);
    ObjectiveFlags.fromConfig(c, b.objective(), config);
    EvaluationFlags.fromConfig(c, b.evaluation(), config);
    TrainingFlags.fromConfig(c, b.training(), config);
    CheckpointFlags.fromConfig(c.checkpoints(), b.checkpointing(), config);
    return b;
  }

  /** What the operator sets itself, checked first so that a refusal reaches the job's status. */
  private static void operatorFields(TrainerConfig c, TrainRequest.Builder b) {
    given(c.terminationMessagePath(), p -> b.reporting().optTerminationMessagePath(Path.of(p)));
    given(c.outputDir(), o -> b.checkpointing().setOutput(Path.of(o)));
    b.reporting().optProgressPort(c.progressPort());
    ConfigFields.required(c.model() == null ? null : c.model().source(), "model.source");
    // The same contract the operator's validator applies: refused here too, never ignored.
    List<String> unsupported = TrainerCapabilities.check(c);
    if (!unsupported.isEmpty()) {
      throw TrainerException.config(String.join("; ", unsupported));
    }
    if (c.data() == null) {
      throw TrainerException.config("the trainer config has no data section");
    }
    ConfigFields.required(c.data().train(), "data.train");
    ConfigFields.required(c.data().format(), "data.format");
    ConfigFields.required(c.outputDir(), "outputDir");
  }

  /**
   * Sets the option of {@code flag} to {@code value} unless it is null, and names the option by
   * {@code field} either way: in the FineTuneJob, that is where the user sets it.
   */
  private static <T> void given(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
