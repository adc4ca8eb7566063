/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static dev.finetune.trainer.cli.TrainOptions.given;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.train.InputOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of {@link InputOptions}: the model, the data and how it becomes examples. */
final class InputFlags {
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
      names = "--skip-invalid-lines",
      description = "Skip bad lines (reported) instead of stopping.")
  boolean skipInvalid;

  /** Sets on {@code b} every flag that was given. */
  void applyTo(InputOptions.Builder b) {
    given(model, b::setModel);
    given(adapter, b::optAdapter);
    given(data, b::setData);
    given(format, b::setFormat);
    given(maxLength, b::optMaxLength);
    b.optSources(sources.settings());
    given(sources.tokenFile, b::optHubTokenFile);
    given(evalData, b::optEvalData);
    given(evalMaxLength, b::optEvalMaxLength);
    given(validationSplit, b::optValidationSplit);
    given(packing, b::optPacking);
    given(skipInvalid, b::optSkipInvalidLines);
  }

  /** Sets on {@code in} what the operator's config says, naming each option by its spec field. */
  static void fromConfig(TrainerConfig c, InputOptions.Builder in, ConfigFields config) {
    TrainerConfig.Data d = c.data();
    config.map(c.model().source(), "--model", "spec.model.source", in::setModel);
    config.map(
        c.model().tokenFile(),
        "--hf-token-file",
        "spec.model.tokenSecretRef",
        f -> in.optHubTokenFile(Path.of(f)));
    config.map(d.train(), "--data", "spec.dataset.train.source", in::setData);
    config.map(d.format(), "--format", "spec.dataset.format", in::setFormat);
    config.map(d.maxLength(), "--max-length", "spec.dataset.maxLength", in::optMaxLength);
    config.map(d.packing(), "--packing", "spec.dataset.packing", in::optPacking);
    config.map(d.validation(), "--eval-data", "spec.dataset.validation.source", in::optEvalData);
    config.map(
        d.validationSplit(),
        "--validation-split",
        "spec.dataset.validationSplit",
        in::optValidationSplit);
  }
}
