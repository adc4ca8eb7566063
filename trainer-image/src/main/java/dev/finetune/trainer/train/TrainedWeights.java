/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run trains and saves: every weight of the model (full fine-tuning) or a LoRA adapter. The
 * training loop updates {@link #arrays()}; checkpoints and the final output are {@link #write}
 * folders, loadable as they are by Hugging Face tools, plus optimizer state.
 */
public interface TrainedWeights {
  /**
   * The arrays the optimizer updates, by the key they are saved under in {@link #weightsFile()}.
   */
  Map<String, NDArray> arrays();

  /** The safetensors file inside a written folder that holds {@link #arrays()}. */
  String weightsFile();

  /** {@code model} (Hugging Face model folder) or {@code peft-lora} (PEFT adapter folder). */
  String layout();

  /** Writes a complete folder in {@link #layout()}. */
  void write(Path dir);
}
