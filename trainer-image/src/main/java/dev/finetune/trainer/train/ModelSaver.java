/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import dev.finetune.trainer.io.SafetensorsWriter;
import dev.finetune.trainer.model.ModelFiles;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.ModelWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a model in Hugging Face layout: model.safetensors under the keys the source checkpoint
 * used, and the source's config, generation config and tokenizer files.
 */
public final class ModelSaver {
  private ModelSaver() {}

  /**
   * The source checkpoint's tensors outside the trained model, copied as they are: the vision tower
   * and projector of a multimodal checkpoint whose language model was trained, so that the output
   * is the whole model again. Other checkpoints hold nothing else the output needs.
   */
  private static void addUntouched(
      ModelLoader.LoadedModel model,
      Map<String, SafetensorsWriter.Tensor> written,
      Map<String, SafetensorsWriter.Copied> copied) {
    if (!model.block().config().textOfMultimodal()) {
      return;
    }
    ModelWeights source = ModelWeights.open(model.directory());
    for (String key : source.keys()) {
      if (!written.containsKey(key) && !copied.containsKey(key)) {
        copied.put(key, new SafetensorsWriter.Copied(source.file(key), key));
      }
    }
  }

  public static void save(ModelLoader.LoadedModel model, Path dir) {
    save(model, dir, Map.of());
  }

  /**
   * As {@link #save(ModelLoader.LoadedModel, Path)}, with the arrays in {@code replaced} (by
   * Hugging Face key without prefix) written instead of the model's own.
   */
  public static void save(ModelLoader.LoadedModel model, Path dir, Map<String, NDArray> replaced) {
    try {
      Files.createDirectories(dir);
      Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
      Map<String, SafetensorsWriter.Copied> copied = new LinkedHashMap<>();
      ModelWeights checkpoint = null;
      for (Map.Entry<String, Parameter> e : model.block().parametersByName().entrySet()) {
        NDArray array = replaced.getOrDefault(e.getKey(), e.getValue().getArray());
        String key = model.keys().toCheckpoint(e.getKey());
        if (array.getDataType() == DataType.FLOAT16) {
          // A frozen weight held in float16 (a LoRA base under mixed precision) never changed:
          // the checkpoint's own bytes are its exact value.
          checkpoint = checkpoint == null ? ModelWeights.open(model.directory()) : checkpoint;
          copied.put(key, new SafetensorsWriter.Copied(checkpoint.file(key), key));
          continue;
        }
        tensors.put(
            key, new SafetensorsWriter.Tensor(array.getShape().getShape(), array.toFloatArray()));
      }
      addUntouched(model, tensors, copied);
      SafetensorsWriter.write(dir.resolve(ModelFiles.WEIGHTS_FILE), tensors, copied);
      for (String name : ModelFiles.SIDE_FILES) {
        Path source = model.directory().resolve(name);
        if (Files.isRegularFile(source)) {
          Path target = dir.resolve(name);
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
          // A read-only source (a mounted model) must not make the output read-only.
          target.toFile().setWritable(true, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + dir, e);
    }
  }
}
