/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.ndarray.NDManager;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that load a model and data. */
final class ModelOptions {
  @Option(
      names = "--model",
      required = true,
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
      description = "text, promptCompletion or chat (with --data).",
      converter = FormatConverter.class)
  DataFormat format;

  @Option(
      names = "--max-length",
      defaultValue = "1024",
      description =
          "Tokens per example of --data (default ${DEFAULT-VALUE}); a --task reads as many as"
              + " the model's positions, as lm-eval does.")
  int maxLength;

  @Mixin SourceOptions sources;

  private Path modelDir;
  private Path dataFile;

  /** The model's local folder (downloaded on first use if remote). */
  Path modelDir() {
    if (modelDir == null) {
      modelDir = sources.resolver().model(model);
    }
    return modelDir;
  }

  /** The training data's local file (downloaded on first use if remote). */
  Path dataFile() {
    if (dataFile == null) {
      dataFile = sources.resolver().dataFile(data);
    }
    return dataFile;
  }

  /** Another data source (validation data) as a local file. */
  Path dataFile(String source) {
    return sources.resolver().dataFile(source);
  }

  /** What adapter_config.json names as the base model: the Hub id, or the source as given. */
  String baseModelName() {
    return model.startsWith("hf://")
        ? dev.finetune.trainer.source.HubLocation.parse(model).repo()
        : model;
  }

  ModelLoader.LoadedModel load(NDManager manager) {
    ModelLoader.LoadedModel loaded = ModelLoader.load(modelDir(), manager);
    if (adapter != null) {
      loaded.block().setAdapter(LoraAdapter.load(adapter, loaded.block(), manager));
    }
    return loaded;
  }

  ExampleBuilder examples(TextTokenizer tokenizer, ModelLoader.LoadedModel loaded) {
    return examples(tokenizer, loaded, maxLength);
  }

  ExampleBuilder examples(TextTokenizer tokenizer, ModelLoader.LoadedModel loaded, int maxLength) {
    return ExampleBuilder.forModel(tokenizer, loaded, maxLength);
  }

  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<DataFormat> {
    @Override
    public DataFormat convert(String value) {
      return DataFormat.byName(value)
          .orElseThrow(
              () ->
                  TrainerException.config(
                      "unknown data format \"" + value + "\" (text, promptCompletion or chat)"));
    }
  }
}
