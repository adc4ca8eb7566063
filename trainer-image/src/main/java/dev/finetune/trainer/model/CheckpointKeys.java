/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import java.util.List;

/**
 * How a block's parameter names ({@code model.layers.0...}, {@code wte.weight}) map to the tensor
 * names of the checkpoint it was loaded from, so that outputs are saved under the names the source
 * used: GPT-2 saved with {@code transformer.}, or the text part of Gemma 3's multimodal checkpoints
 * under {@code language_model.model.} (transformers 4.50-4.51) or {@code model.language_model.}
 * (later saves).
 */
public record CheckpointKeys(List<Rename> renames) {
  /** Names starting with {@code blockPrefix} start with {@code checkpointPrefix} instead. */
  public record Rename(String blockPrefix, String checkpointPrefix) {}

  public CheckpointKeys {
    renames = List.copyOf(renames);
  }

  public static CheckpointKeys same() {
    return new CheckpointKeys(List.of());
  }

  /** Every name gets {@code prefix} in front. */
  public static CheckpointKeys prefixed(String prefix) {
    return new CheckpointKeys(List.of(new Rename("", prefix)));
  }

  public String toCheckpoint(String blockKey) {
    for (Rename r : renames) {
      if (blockKey.startsWith(r.blockPrefix())) {
        return r.checkpointPrefix() + blockKey.substring(r.blockPrefix().length());
      }
    }
    return blockKey;
  }
}
