/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.ModelWeights;
import java.nio.file.Path;
import java.util.Map;

/**
 * LoRA: only the adapter's A and B matrices train; the base model's weights are never given to the
 * optimizer, so they stay bit-identical. Written as a PEFT adapter folder.
 */
public final class LoraWeights implements TrainedWeights {
  private final ModelLoader.LoadedModel model;
  private final LoraAdapter adapter;
  private final LoraConfig config;
  private final String baseModel;

  /**
   * @param baseModel what adapter_config.json names as {@code base_model_name_or_path}: the Hub id
   *     or the path the model came from
   */
  public LoraWeights(
      ModelLoader.LoadedModel model, LoraAdapter adapter, LoraConfig config, String baseModel) {
    this.model = model;
    this.adapter = adapter;
    this.config = config;
    this.baseModel = baseModel;
  }

  @Override
  public Map<String, NDArray> arrays() {
    return adapter.tensorsByPeftKey();
  }

  @Override
  public String weightsFile() {
    return LoraAdapter.WEIGHTS_FILE;
  }

  @Override
  public String layout() {
    return "peft-lora";
  }

  @Override
  public void write(Path dir) {
    adapter.write(dir, model.block(), config, baseModel);
  }

  /** Writes the base model with the adapter folded into its weights, in Hugging Face layout. */
  public void writeMerged(Path dir) {
    ModelWeights source = ModelWeights.open(model.directory());
    ModelSaver.save(
        model,
        dir,
        adapter.mergedWeights(
            model.block(),
            key -> {
              NDArray held = model.block().parametersByName().get(key).getArray();
              if (held.getDataType() != DataType.FLOAT16) {
                return held;
              }
              // The base is held in float16 for training; merge into the checkpoint's values.
              String stored = model.keys().toCheckpoint(key);
              return held.getManager()
                  .create(
                      source.readDirect(stored), new Shape(source.shape(stored)), DataType.FLOAT32);
            }));
  }
}
