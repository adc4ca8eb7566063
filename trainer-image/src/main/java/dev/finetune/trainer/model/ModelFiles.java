/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import java.util.List;

/**
 * The files of a Hugging Face model folder: the weights, and the side files (config and tokenizer)
 * that make it usable. Read by the sources that download a folder, by prepare's storage plan and by
 * the saver that writes one.
 */
public final class ModelFiles {
  public static final String WEIGHTS_FILE = "model.safetensors";

  /** Everything besides the weights that makes a model folder usable: config and tokenizer. */
  public static final List<String> SIDE_FILES =
      List.of(
          "config.json",
          "generation_config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "vocab.json",
          "merges.txt",
          "tokenizer.model",
          "added_tokens.json",
          "chat_template.jinja",
          "chat_template.json",
          "preprocessor_config.json",
          "processor_config.json");

  private ModelFiles() {}
}
