/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import dev.finetune.trainer.model.ModelFiles;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Full fine-tuning: every tensor of the checkpoint, under the key the source checkpoint used. */
public final class FullWeights implements TrainedWeights {
  private final ModelLoader.LoadedModel model;
  private final Map<String, NDArray> arrays = new LinkedHashMap<>();

  public FullWeights(ModelLoader.LoadedModel model) {
    this.model = model;
    model
        .block()
        .parametersByName()
        .forEach((key, p) -> arrays.put(model.keys().toCheckpoint(key), p.getArray()));
  }

  @Override
  public Map<String, NDArray> arrays() {
    return Collections.unmodifiableMap(arrays);
  }

  @Override
  public String weightsFile() {
    return ModelFiles.WEIGHTS_FILE;
  }

  @Override
  public String layout() {
    return "model";
  }

  @Override
  public void write(Path dir) {
    ModelSaver.save(model, dir);
  }
}
