/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.SafetensorsFile;
import dev.finetune.trainer.io.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PEFT LoRA adapter: per module, A [r, in] and B [out, r]; the module's output becomes {@code y +
 * scaling · (dropout(x) · Aᵀ) · Bᵀ} with {@code scaling = lora_alpha / r} (or {@code / sqrt(r)}
 * with rsLoRA), dropout only while training. Tensors are saved and read under PEFT's keys ({@code
 * base_model.model.<module>.lora_A.weight}); GPT-2 module paths are read with or without {@code
 * transformer.}.
 */
public final class LoraAdapter {
  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  private static final String PREFIX = "base_model.model.";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One adapted module. */
  public record Pair(NDArray a, NDArray b) {}

  private final Map<String, Pair> modules;
  private final double scaling;
  private final double dropout;
  private boolean training;

  public LoraAdapter(Map<String, Pair> modules, double scaling, double dropout) {
    this.modules = modules;
    this.scaling = scaling;
    this.dropout = dropout;
  }

  /**
   * A new adapter with PEFT's initialisation: A from kaiming_uniform(a=√5), that is uniform in
   * ±1/√in, drawn from the engine's generator seeded with {@code seed}; B zero, so the adapted
   * model starts equal to the base model.
   */
  public static LoraAdapter create(
      CausalLmBlock model, LoraConfig config, long seed, NDManager manager) {
    Engine.getInstance().setRandomSeed((int) seed);
    Map<String, Pair> modules = new LinkedHashMap<>();
    for (var e : model.parametersByName().entrySet()) {
      String module = model.modulePath(e.getKey());
      if (!model.isLinearWeight(e.getKey()) || !config.targets(module)) {
        continue;
      }
      long[] shape = e.getValue().getArray().getShape().getShape();
      long in = model.storesLinearTransposed() ? shape[0] : shape[1];
      long out = model.storesLinearTransposed() ? shape[1] : shape[0];
      float bound = (float) (1 / Math.sqrt(in));
      NDArray a = manager.randomUniform(-bound, bound, new Shape(config.rank(), in));
      NDArray b = manager.zeros(new Shape(out, config.rank()));
      modules.put(module, new Pair(a, b));
    }
    if (modules.isEmpty()) {
      throw matchesNothing(model, config);
    }
    return new LoraAdapter(modules, config.scaling(), config.dropout());
  }

  public Map<String, Pair> modules() {
    return modules;
  }

  public double scaling() {
    return scaling;
  }

  public double dropout() {
    return dropout;
  }

  /** Dropout applies only while training. */
  public void setTraining(boolean training) {
    this.training = training;
  }

  /** A and B of every module under their PEFT keys, in module order (the arrays themselves). */
  public Map<String, NDArray> tensorsByPeftKey() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    modules.forEach(
        (module, pair) -> {
          out.put(PREFIX + module + ".lora_A.weight", pair.a());
          out.put(PREFIX + module + ".lora_B.weight", pair.b());
        });
    return out;
  }

  /**
   * {@code y + scaling · (dropout(x) · Aᵀ) · Bᵀ} for the module at {@code modulePath} (y as is for
   * a module without an adapter), the products in {@code precision}'s compute dtype.
   */
  public NDArray apply(String modulePath, NDArray x, NDArray y, Precision precision) {
    Pair pair = modules.get(modulePath);
    if (pair == null) {
      return y;
    }
    NDArray input =
        training && dropout > 0
            ? x.getNDArrayInternal().dropout(x, (float) dropout, true).singletonOrThrow()
            : x;
    NDArray update =
        precision
            .compute(input)
            .matMul(precision.compute(pair.a()).transpose())
            .matMul(precision.compute(pair.b()).transpose());
    return y.add(update.mul(Scalars.of(x.getManager(), scaling)));
  }

  /**
   * The base weight of every adapted module with the update folded in, by Hugging Face weight key:
   * {@code W + scaling · B·A} for [out, in] weights, its transpose for GPT-2's [in, out], with W
   * from {@code base} (by Hugging Face key): the model's own array, or the checkpoint's float32
   * values when the model holds its base in float16.
   */
  public Map<String, NDArray> mergedWeights(
      CausalLmBlock model, java.util.function.Function<String, NDArray> base) {
    Map<String, NDArray> merged = new LinkedHashMap<>();
    for (var e : model.parametersByName().entrySet()) {
      Pair pair = modules.get(model.modulePath(e.getKey()));
      if (pair == null || !model.isLinearWeight(e.getKey())) {
        continue;
      }
      NDArray delta = pair.b().matMul(pair.a());
      if (model.storesLinearTransposed()) {
        delta = delta.transpose();
      }
      NDArray weight = base.apply(e.getKey());
      merged.put(e.getKey(), weight.add(delta.mul(Scalars.of(weight.getManager(), scaling))));
    }
    return merged;
  }

  /**
   * Writes adapter_config.json and adapter_model.safetensors as PEFT's {@code save_pretrained}
   * does, so PEFT, Transformers and vLLM load the folder as it is.
   */
  public void write(Path dir, CausalLmBlock model, LoraConfig config, String baseModel) {
    try {
      Files.createDirectories(dir);
      Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
      tensorsByPeftKey()
          .forEach(
              (key, array) ->
                  tensors.put(
                      key,
                      new SafetensorsWriter.Tensor(
                          array.getShape().getShape(), array.toFloatArray())));
      SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), tensors);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve(CONFIG_FILE).toFile(), peftConfig(model, config, baseModel));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the adapter to " + dir, e);
    }
  }

  private static ObjectNode peftConfig(CausalLmBlock model, LoraConfig config, String baseModel) {
    ObjectNode c = JSON.createObjectNode();
    c.put("peft_type", "LORA");
    c.put("task_type", "CAUSAL_LM");
    c.put("base_model_name_or_path", baseModel);
    c.put("r", config.rank());
    c.put("lora_alpha", config.alpha());
    c.put("lora_dropout", config.dropout());
    if (model.config().textOfMultimodal()) {
      // A list would also match the vision tower's q_proj/v_proj: PEFT reads a string as a
      // regular expression over the whole module path.
      c.put("target_modules", languageModelOnly(config.targetModules()));
    } else {
      c.putArray("target_modules")
          .addAll(config.targetModules().stream().map(c::textNode).toList());
    }
    c.put("fan_in_fan_out", model.storesLinearTransposed());
    c.put("bias", "none");
    c.put("use_rslora", false);
    c.put("use_dora", false);
    c.putNull("modules_to_save");
    c.put("init_lora_weights", true);
    c.put("inference_mode", true);
    c.putObject("rank_pattern");
    c.putObject("alpha_pattern");
    return c;
  }

  /** A PEFT target_modules regex: the named modules inside the language model only. */
  static String languageModelOnly(java.util.List<String> names) {
    return "model\\.language_model\\..*\\.("
        + String.join("|", names.stream().map(LoraAdapter::escapeRegex).toList())
        + ")";
  }

  /** Python's re.escape for module names (letters, digits and _ stand for themselves). */
  private static String escapeRegex(String name) {
    StringBuilder out = new StringBuilder();
    for (char ch : name.toCharArray()) {
      if (!Character.isLetterOrDigit(ch) && ch != '_') {
        out.append('\\');
      }
      out.append(ch);
    }
    return out.toString();
  }

  /** Reads a PEFT adapter folder written by PEFT or by {@link #write}. */
  public static LoraAdapter load(Path dir, CausalLmBlock model, NDManager manager) {
    Path configFile = dir.resolve(CONFIG_FILE);
    JsonNode config;
    try {
      config = JSON.readTree(configFile.toFile());
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + configFile + ": " + e.getMessage());
    }
    if (!"LORA".equalsIgnoreCase(config.path("peft_type").asText("LORA"))) {
      throw TrainerException.config(configFile + ": peft_type is not LORA");
    }
    if (config.path("rank_pattern").size() > 0 || config.path("alpha_pattern").size() > 0) {
      throw TrainerException.config(configFile + ": rank_pattern/alpha_pattern are not supported");
    }
    if (config.path("use_dora").asBoolean(false)) {
      throw TrainerException.config(configFile + ": DoRA adapters are not supported");
    }
    int r = config.path("r").asInt(0);
    double alpha = config.path("lora_alpha").asDouble(0);
    if (r <= 0 || alpha <= 0) {
      throw TrainerException.config(configFile + ": r and lora_alpha must be positive");
    }
    double scaling = config.path("use_rslora").asBoolean(false) ? alpha / Math.sqrt(r) : alpha / r;

    Map<String, String> known = new LinkedHashMap<>();
    for (String key : model.parametersByName().keySet()) {
      if (model.isLinearWeight(key)) {
        known.put(model.modulePath(key), key);
      }
    }
    Map<String, Pair> modules = new LinkedHashMap<>();
    try {
      SafetensorsFile file = SafetensorsFile.open(dir.resolve(WEIGHTS_FILE));
      for (String key : file.tensors().keySet()) {
        if (!key.endsWith(".lora_A.weight")) {
          continue;
        }
        String module =
            normalise(key.substring(0, key.length() - ".lora_A.weight".length()), model);
        if (!known.containsKey(module)) {
          throw TrainerException.config(
              dir + ": adapter module " + module + " is not a linear layer of the model");
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
    return new LoraAdapter(modules, scaling, config.path("lora_dropout").asDouble(0));
  }

  private static String normalise(String key, CausalLmBlock model) {
    String module = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
    if (model instanceof Gpt2Block && module.startsWith("h.")) {
      module = "transformer." + module;
    }
    return module;
  }

  /** Short names of the model's linear layers (h.0.attn.c_attn → c_attn), for error messages. */
  /** The error for target modules that match no linear layer of {@code model}, naming those. */
  public static TrainerException matchesNothing(CausalLmBlock model, LoraConfig config) {
    return TrainerException.config(
        "--lora-target-modules "
            + String.join(",", config.targetModules())
            + " matches no linear layer of this model (it has "
            + String.join(", ", linearNames(model))
            + ")");
  }

  private static List<String> linearNames(CausalLmBlock model) {
    List<String> names = new ArrayList<>();
    for (String key : model.parametersByName().keySet()) {
      if (model.isLinearWeight(key)) {
        String module = model.modulePath(key);
        String last = module.substring(module.lastIndexOf('.') + 1);
        if (!names.contains(last)) {
          names.add(last);
        }
      }
    }
    return names;
  }

  private static NDArray array(SafetensorsFile file, String key, NDManager manager)
      throws IOException {
    return manager.create(file.readFloats(key), new Shape(file.tensors().get(key).shape()));
  }
}
