/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import dev.finetune.trainer.TrainerException;
import java.nio.file.Path;

/**
 * A model's size from the tensors its architecture declares and the shapes in the checkpoint's
 * safetensors headers — no weight is read — and what a run trains of it: every parameter, or the
 * LoRA adapter's A and B on the targeted modules (which must exist).
 *
 * @param parameters parameters of the model
 * @param trainable parameters the optimizer updates
 */
public record ModelSize(long parameters, long trainable) {

  public static ModelSize of(ModelConfig config, Path modelDir, LoraConfig lora) {
    CausalLmBlock block = ModelLoader.newBlock(config);
    ModelWeights weights = ModelWeights.open(modelDir);
    CheckpointKeys keys = ModelLoader.keys(config, weights, modelDir);
    long parameters = 0;
    long adapter = 0;
    int adapted = 0;
    for (String key : block.parametersByName().keySet()) {
      String stored = keys.toCheckpoint(key);
      if (!weights.has(stored)) {
        throw TrainerException.config(modelDir + ": the checkpoint has no tensor " + stored);
      }
      long[] shape = weights.shape(stored);
      long count = 1;
      for (long d : shape) {
        count *= d;
      }
      parameters += count;
      if (lora != null && block.isLinearWeight(key) && lora.targets(block.modulePath(key))) {
        long in = block.storesLinearTransposed() ? shape[0] : shape[1];
        long out = block.storesLinearTransposed() ? shape[1] : shape[0];
        adapter += (long) lora.rank() * (in + out);
        adapted++;
      }
    }
    if (lora == null) {
      return new ModelSize(parameters, parameters);
    }
    if (adapted == 0) {
      throw LoraAdapter.matchesNothing(block, lora);
    }
    return new ModelSize(parameters, adapter);
  }
}
