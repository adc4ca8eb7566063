/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PEFT LoRA adapter: per module, A [r, in] and B [out, r]; the module's output becomes {@code y +
 * scaling · (x · Aᵀ) · Bᵀ} with {@code scaling = lora_alpha / r} (or {@code / sqrt(r)} with
 * rsLoRA). Keys are PEFT's ({@code base_model.model.<module>.lora_A.weight}); GPT-2 module paths
 * are accepted with or without {@code transformer.}.
 */
public final class LoraAdapter {
  private static final String PREFIX = "base_model.model.";

  /** One adapted module. */
  public record Pair(NDArray a, NDArray b) {}

  private final Map<String, Pair> modules;
  private final double scaling;

  public LoraAdapter(Map<String, Pair> modules, double scaling) {
    this.modules = modules;
    this.scaling = scaling;
  }

  public Map<String, Pair> modules() {
    return modules;
  }

  public double scaling() {
    return scaling;
  }

  public NDArray apply(String modulePath, NDArray x, NDArray y) {
    Pair pair = modules.get(modulePath);
    if (pair == null) {
      return y;
    }
    NDArray update = x.matMul(pair.a().transpose()).matMul(pair.b().transpose());
    return y.add(update.mul(Scalars.of(x.getManager(), scaling)));
  }

  public static LoraAdapter load(Path dir, CausalLmBlock model, NDManager manager) {
    Path configFile = dir.resolve("adapter_config.json");
    JsonNode config;
    try {
      config = new ObjectMapper().readTree(configFile.toFile());
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + configFile + ": " + e.getMessage());
    }
    if (!"LORA".equalsIgnoreCase(config.path("peft_type").asText("LORA"))) {
      throw TrainerException.config(configFile + ": peft_type is not LORA");
    }
    if (config.path("rank_pattern").size() > 0 || config.path("alpha_pattern").size() > 0) {
      throw TrainerException.config(configFile + ": rank_pattern/alpha_pattern are not supported");
    }
    int r = config.path("r").asInt(0);
    double alpha = config.path("lora_alpha").asDouble(0);
    if (r <= 0 || alpha <= 0) {
      throw TrainerException.config(configFile + ": r and lora_alpha must be positive");
    }
    double scaling = config.path("use_rslora").asBoolean(false) ? alpha / Math.sqrt(r) : alpha / r;

    Map<String, String> known = new LinkedHashMap<>();
    for (String key : model.parametersByName().keySet()) {
      if (key.endsWith(".weight")) {
        known.put(model.modulePath(key), key);
      }
    }
    Map<String, Pair> modules = new LinkedHashMap<>();
    try {
      SafetensorsFile file = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"));
      for (String key : file.tensors().keySet()) {
        if (!key.endsWith(".lora_A.weight")) {
          continue;
        }
        String module =
            normalise(key.substring(0, key.length() - ".lora_A.weight".length()), model);
        if (!known.containsKey(module)) {
          throw TrainerException.config(
              dir + ": adapter module " + module + " is not in the model");
        }
        String bKey = key.replace(".lora_A.weight", ".lora_B.weight");
        if (!file.tensors().containsKey(bKey)) {
          throw TrainerException.config(dir + ": " + bKey + " is missing");
        }
        modules.put(module, new Pair(array(file, key, manager), array(file, bKey, manager)));
      }
    } catch (IOException e) {
      throw TrainerException.config("cannot read the adapter in " + dir + ": " + e.getMessage());
    }
    if (modules.isEmpty()) {
      throw TrainerException.config(dir + ": the adapter has no lora_A/lora_B tensors");
    }
    return new LoraAdapter(modules, scaling);
  }

  private static String normalise(String key, CausalLmBlock model) {
    String module = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
    if (model instanceof Gpt2Block && module.startsWith("h.")) {
      module = "transformer." + module;
    }
    return module;
  }

  private static NDArray array(SafetensorsFile file, String key, NDManager manager)
      throws IOException {
    return manager.create(file.readFloats(key), new Shape(file.tensors().get(key).shape()));
  }
}
