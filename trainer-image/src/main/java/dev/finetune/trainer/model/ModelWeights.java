/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tensors of a model directory: one model.safetensors, or shards listed in an index. */
public final class ModelWeights {
  private final Map<String, SafetensorsFile> fileByKey;

  private ModelWeights(Map<String, SafetensorsFile> fileByKey) {
    this.fileByKey = fileByKey;
  }

  public static ModelWeights open(Path modelDir) {
    Path single = modelDir.resolve("model.safetensors");
    Path index = modelDir.resolve("model.safetensors.index.json");
    try {
      Map<String, SafetensorsFile> byKey = new LinkedHashMap<>();
      if (Files.exists(single)) {
        SafetensorsFile file = SafetensorsFile.open(single);
        file.tensors().keySet().forEach(k -> byKey.put(k, file));
      } else if (Files.exists(index)) {
        JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
          String shard = e.getValue().asText();
          if (shard.contains("/") || shard.contains("\\")) {
            throw TrainerException.config(index + ": shard name " + shard + " is not a file name");
          }
          SafetensorsFile file = shards.get(shard);
          if (file == null) {
            file = SafetensorsFile.open(modelDir.resolve(shard));
            shards.put(shard, file);
          }
          byKey.put(e.getKey(), file);
        }
      } else {
        throw TrainerException.config(
            modelDir + " has neither model.safetensors nor model.safetensors.index.json");
      }
      return new ModelWeights(byKey);
    } catch (IOException e) {
      throw TrainerException.config(
          "cannot read the weights in " + modelDir + ": " + e.getMessage());
    }
  }

  public boolean has(String key) {
    return fileByKey.containsKey(key);
  }

  public Iterable<String> keys() {
    return fileByKey.keySet();
  }

  public long[] shape(String key) {
    return fileByKey.get(key).tensors().get(key).shape();
  }

  /** The tensor as float32 in a direct buffer (see {@link SafetensorsFile#readFloatsDirect}). */
  public java.nio.ByteBuffer readDirect(String key) {
    try {
      return file(key).readFloatsDirect(key);
    } catch (IOException e) {
      throw TrainerException.config(e.getMessage());
    }
  }

  /** The file that holds {@code key}. */
  public SafetensorsFile file(String key) {
    SafetensorsFile file = fileByKey.get(key);
    if (file == null) {
      throw TrainerException.config("the checkpoint has no tensor " + key);
    }
    return file;
  }
}
