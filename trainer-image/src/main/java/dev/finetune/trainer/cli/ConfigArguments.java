/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.LoraSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.DataFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code train --config FILE}: the operator's {@link TrainerConfig} turned into the train command's
 * own flags, so a pod runs exactly what a person could type. What the trainer cannot do yet is
 * refused with a configuration error, never silently dropped.
 */
final class ConfigArguments {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ConfigArguments() {}

  /** {@code args} with every {@code --config FILE} replaced by the flags it stands for. */
  static String[] expand(String[] args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--config") && i + 1 < args.length) {
        out.addAll(flags(read(Path.of(args[++i]))));
      } else if (arg.startsWith("--config=")) {
        out.addAll(flags(read(Path.of(arg.substring("--config=".length())))));
      } else {
        out.add(arg);
      }
    }
    return out.toArray(String[]::new);
  }

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

  static List<String> flags(TrainerConfig c) {
    List<String> f = new ArrayList<>();
    String model = required(c.model() == null ? null : c.model().source(), "model.source");
    TrainerConfig.Data data = c.data();
    if (data == null) {
      throw TrainerException.config("the trainer config has no data section");
    }
    if (data.packing()) {
      throw unsupported("packing");
    }
    if (data.validationSplit() != null) {
      throw unsupported("validationSplit (give a validation file instead)");
    }
    add(f, "--model", model);
    if (c.model().tokenFile() != null) {
      add(f, "--hf-token-file", c.model().tokenFile());
    }
    add(f, "--data", required(data.train(), "data.train"));
    add(f, "--format", DataFormat.of(required(data.format(), "data.format")).cliName());
    add(f, "--max-length", data.maxLength());
    if (data.validation() != null) {
      add(f, "--eval-data", data.validation());
    }
    Hyperparameters h = c.hyperparameters() == null ? new Hyperparameters() : c.hyperparameters();
    if (h.getEarlyStopping() != null) {
      throw unsupported("early stopping");
    }
    if (h.getMaxSteps() != null) {
      add(f, "--max-steps", h.getMaxSteps());
    } else if (h.getEpochs() != null) {
      add(f, "--epochs", h.getEpochs());
    }
    addIfSet(f, "--batch-size", h.getBatchSize());
    addIfSet(f, "--gradient-accumulation-steps", h.getGradientAccumulationSteps());
    addIfSet(f, "--learning-rate", h.getLearningRate());
    addIfSet(f, "--warmup-steps", h.getWarmupSteps());
    addIfSet(f, "--warmup-ratio", h.getWarmupRatio());
    if (h.getScheduler() != null) {
      add(f, "--scheduler", h.getScheduler().name().toLowerCase(Locale.ROOT));
    }
    addIfSet(f, "--weight-decay", h.getWeightDecay());
    addIfSet(f, "--max-grad-norm", h.getMaxGradNorm());
    addIfSet(f, "--seed", h.getSeed());
    addIfSet(f, "--eval-every-steps", h.getEvalEverySteps());
    if (c.method() == MethodType.LORA) {
      add(f, "--method", "lora");
      LoraSpec lora = c.lora() == null ? new LoraSpec() : c.lora();
      addIfSet(f, "--lora-rank", lora.getRank());
      addIfSet(f, "--lora-alpha", lora.getAlpha());
      addIfSet(f, "--lora-dropout", lora.getDropout());
      if (lora.getTargetModules() != null && !lora.getTargetModules().isEmpty()) {
        add(f, "--lora-target-modules", String.join(",", lora.getTargetModules()));
      }
    }
    add(f, "--output", required(c.outputDir(), "outputDir"));
    add(f, "--progress-port", c.progressPort());
    if (c.terminationMessagePath() != null) {
      add(f, "--termination-message-path", c.terminationMessagePath());
    }
    if (c.model().dtype() != null && c.model().dtype() != ModelDtype.FLOAT32) {
      System.err.println(
          "note: training runs in float32; dtype " + c.model().dtype() + " is not applied yet");
    }
    if (c.checkpoints() != null) {
      add(f, "--checkpoint-dir", c.checkpoints().dir());
      add(f, "--save-every-steps", c.checkpoints().everySteps());
      add(f, "--save-total-limit", c.checkpoints().keepLast());
    }
    return f;
  }

  private static TrainerException unsupported(String what) {
    return TrainerException.config(what + " is not supported by this trainer yet");
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw TrainerException.config("the trainer config has no " + field);
    }
    return value;
  }

  private static void add(List<String> flags, String name, Object value) {
    flags.add(name);
    flags.add(String.valueOf(value));
  }

  private static void addIfSet(List<String> flags, String name, Object value) {
    if (value != null) {
      add(flags, name, value);
    }
  }
}
