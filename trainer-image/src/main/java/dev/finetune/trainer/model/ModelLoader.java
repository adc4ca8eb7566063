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
import java.util.List;
import java.util.Map;

/** Loads a Hugging Face model directory into a {@link CausalLmBlock}. */
public final class ModelLoader {
  private ModelLoader() {}

  /** A loaded model and how its checkpoint named its tensors. */
  public record LoadedModel(CausalLmBlock block, Path directory, CheckpointKeys keys) {}

  public static LoadedModel load(Path dir, NDManager manager) {
    ModelConfig config = ModelConfig.read(dir);
    CausalLmBlock block = newBlock(config);
    ModelWeights weights = ModelWeights.open(dir);
    CheckpointKeys keys = keys(config, weights, dir);
    for (Map.Entry<String, Parameter> e : block.parametersByName().entrySet()) {
      String key = keys.toCheckpoint(e.getKey());
      if (!weights.has(key)) {
        throw TrainerException.config(dir + ": the checkpoint has no tensor " + key);
      }
      long[] shape = weights.shape(key);
      checkShape(config, e.getKey(), shape, dir);
      e.getValue()
          .setArray(manager.create(weights.readDirect(key), new Shape(shape), DataType.FLOAT32));
    }
    return new LoadedModel(block, dir, keys);
  }

  /** A block of {@code config}'s family with its parameters declared and no arrays yet. */
  public static CausalLmBlock newBlock(ModelConfig config) {
    return switch (config.family()) {
      case GPT2 -> new Gpt2Block(config);
      case DECODER -> new DecoderBlock(config);
    };
  }

  /** How this checkpoint names the block's tensors, told apart by its embedding's name. */
  public static CheckpointKeys keys(ModelConfig config, ModelWeights weights, Path dir) {
    if (config.family() == ModelConfig.Family.GPT2) {
      // GPT-2 checkpoints come with keys "wte.weight" (the Hub's gpt2) or "transformer.wte.weight".
      return weights.has("transformer.wte.weight")
          ? CheckpointKeys.prefixed("transformer.")
          : CheckpointKeys.same();
    }
    if (!config.textOfMultimodal()) {
      return CheckpointKeys.same();
    }
    if (weights.has("language_model.model.embed_tokens.weight")) {
      return new CheckpointKeys(
          List.of(
              new CheckpointKeys.Rename("model.", "language_model.model."),
              new CheckpointKeys.Rename("lm_head.", "language_model.lm_head.")));
    }
    if (weights.has("model.language_model.embed_tokens.weight")) {
      return new CheckpointKeys(
          List.of(new CheckpointKeys.Rename("model.", "model.language_model.")));
    }
    throw TrainerException.config(
        dir
            + ": a multimodal checkpoint whose language model is neither under"
            + " language_model.model. nor under model.language_model.");
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
