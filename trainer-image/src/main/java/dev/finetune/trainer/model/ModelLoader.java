/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.finetune.trainer.TrainerException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Loads a Hugging Face model directory into a {@link CausalLmBlock}. */
public final class ModelLoader {
  private ModelLoader() {}

  /** A loaded model and how its checkpoint named its tensors. */
  public record LoadedModel(CausalLmBlock block, Path directory, String keyPrefix) {}

  public static LoadedModel load(Path dir, NDManager manager) {
    ModelConfig config = ModelConfig.read(dir);
    CausalLmBlock block =
        switch (config.family()) {
          case GPT2 -> new Gpt2Block(config);
          case DECODER -> new DecoderBlock(config);
        };
    ModelWeights weights = ModelWeights.open(dir);
    // GPT-2 checkpoints come with keys "wte.weight" (the Hub's gpt2) or "transformer.wte.weight".
    String prefix =
        config.family() == ModelConfig.Family.GPT2 && weights.has("transformer.wte.weight")
            ? "transformer."
            : "";
    for (Map.Entry<String, Parameter> e : block.parametersByName().entrySet()) {
      String key = prefix + e.getKey();
      if (!weights.has(key)) {
        throw TrainerException.config(dir + ": the checkpoint has no tensor " + key);
      }
      long[] shape = weights.shape(key);
      checkShape(config, e.getKey(), shape, dir);
      e.getValue()
          .setArray(manager.create(weights.readDirect(key), new Shape(shape), DataType.FLOAT32));
    }
    return new LoadedModel(block, dir, prefix);
  }

  private static void checkShape(ModelConfig config, String key, long[] shape, Path dir) {
    boolean embedding =
        key.equals("wte.weight")
            || key.equals("model.embed_tokens.weight")
            || key.equals("lm_head.weight");
    if (embedding
        && (shape.length != 2
            || shape[0] != config.vocabSize()
            || shape[1] != config.hiddenSize())) {
      throw TrainerException.config(
          dir
              + ": "
              + key
              + " has shape "
              + Arrays.toString(shape)
              + ", config.json says ["
              + config.vocabSize()
              + ", "
              + config.hiddenSize()
              + "]");
    }
  }
}
