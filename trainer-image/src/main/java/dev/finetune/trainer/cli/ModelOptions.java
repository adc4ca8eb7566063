/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.DataFormat;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that load a model and data. */
final class ModelOptions {
  @Option(names = "--model", required = true, description = "Hugging Face model directory.")
  Path model;

  @Option(names = "--adapter", description = "PEFT LoRA adapter directory to apply.")
  Path adapter;

  @Option(names = "--data", required = true, description = "JSONL data file.")
  Path data;

  @Option(
      names = "--format",
      required = true,
      description = "text, promptCompletion or chat.",
      converter = FormatConverter.class)
  DataFormat format;

  @Option(
      names = "--max-length",
      defaultValue = "1024",
      description = "Tokens per example (default ${DEFAULT-VALUE}).")
  int maxLength;

  ModelLoader.LoadedModel load(NDManager manager) {
    ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
    if (adapter != null) {
      loaded.block().setAdapter(LoraAdapter.load(adapter, loaded.block(), manager));
    }
    return loaded;
  }

  ExampleBuilder examples(TextTokenizer tokenizer, ModelLoader.LoadedModel loaded) {
    return examples(tokenizer, loaded, maxLength);
  }

  ExampleBuilder examples(TextTokenizer tokenizer, ModelLoader.LoadedModel loaded, int maxLength) {
    int positions = loaded.block().config().maxPositions();
    if (maxLength > positions) {
      throw TrainerException.config(
          "--max-length " + maxLength + " is longer than the model's " + positions + " positions");
    }
    return new ExampleBuilder(
        tokenizer, loaded.block().config().eosTokenId(), maxLength, ChatRenderer.forModel(model));
  }

  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<DataFormat> {
    @Override
    public DataFormat convert(String value) {
      return DataFormat.parse(value);
    }
  }
}
