/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.TrainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shape of a causal LM, read from a Hugging Face {@code config.json}, with each architecture's
 * own key names mapped to one vocabulary.
 *
 * @param family gpt2 or llama (Llama, Mistral and Qwen2 share one implementation)
 * @param modelType the config's model_type (gpt2, llama, mistral, qwen2)
 * @param qkvBias biases on the q/k/v projections (Qwen2)
 */
public record ModelConfig(
    Family family,
    String modelType,
    int vocabSize,
    int hiddenSize,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    int intermediateSize,
    double normEps,
    double ropeTheta,
    int maxPositions,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    int eosTokenId) {

  /** Implementation families. */
  public enum Family {
    GPT2,
    LLAMA
  }

  public static ModelConfig read(Path modelDir) {
    Path file = modelDir.resolve("config.json");
    JsonNode c;
    try {
      c = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
    String type = c.path("model_type").asText("");
    return switch (type) {
      case "gpt2" -> {
        String act = c.path("activation_function").asText("gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
          throw TrainerException.config(
              file + ": activation_function " + act + " is not supported");
        }
        if (c.path("scale_attn_by_inverse_layer_idx").asBoolean(false)
            || c.path("reorder_and_upcast_attn").asBoolean(false)) {
          throw TrainerException.config(
              file + ": scale_attn_by_inverse_layer_idx/reorder_and_upcast_attn are not supported");
        }
        int hidden = required(c, "n_embd", file);
        int heads = required(c, "n_head", file);
        yield new ModelConfig(
            Family.GPT2,
            type,
            required(c, "vocab_size", file),
            hidden,
            required(c, "n_layer", file),
            heads,
            heads,
            hidden / heads,
            c.path("n_inner").isNumber() ? c.get("n_inner").asInt() : 4 * hidden,
            c.path("layer_norm_epsilon").asDouble(1e-5),
            0,
            c.path("n_positions").asInt(1024),
            true,
            true,
            eos(c));
      }
      case "llama", "mistral", "qwen2" -> {
        int hidden = required(c, "hidden_size", file);
        int heads = required(c, "num_attention_heads", file);
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
          throw TrainerException.config(file + ": hidden_act " + act + " is not supported");
        }
        // Scaled RoPE (Llama 3.1 "llama3", YaRN, ...) changes the position tables: refuse it
        // rather than train with the wrong ones.
        if (!c.path("rope_scaling").isMissingNode() && !c.path("rope_scaling").isNull()) {
          throw TrainerException.config(file + ": rope_scaling is not supported yet");
        }
        // transformers 5 writes rope_parameters {rope_type, rope_theta} instead of rope_theta.
        JsonNode rope = c.path("rope_parameters");
        String ropeType = rope.path("rope_type").asText("default");
        if (!ropeType.equals("default")) {
          throw TrainerException.config(
              file + ": rope_parameters.rope_type \"" + ropeType + "\" is not supported yet");
        }
        double ropeTheta =
            c.path("rope_theta").isNumber()
                ? c.get("rope_theta").asDouble()
                : rope.path("rope_theta").asDouble(10000.0);
        yield new ModelConfig(
            Family.LLAMA,
            type,
            required(c, "vocab_size", file),
            hidden,
            required(c, "num_hidden_layers", file),
            heads,
            c.path("num_key_value_heads").asInt(heads),
            c.path("head_dim").isNumber() ? c.get("head_dim").asInt() : hidden / heads,
            required(c, "intermediate_size", file),
            c.path("rms_norm_eps").asDouble(1e-6),
            ropeTheta,
            c.path("max_position_embeddings").asInt(2048),
            c.path("tie_word_embeddings").asBoolean(false),
            type.equals("qwen2") || c.path("attention_bias").asBoolean(false),
            eos(c));
      }
      default ->
          throw TrainerException.config(
              file
                  + ": model_type \""
                  + type
                  + "\" is not supported (gpt2, llama, mistral, qwen2)");
    };
  }

  private static int required(JsonNode c, String key, Path file) {
    if (!c.path(key).isNumber()) {
      throw TrainerException.config(file + ": missing or non-numeric \"" + key + "\"");
    }
    return c.get(key).asInt();
  }

  private static int eos(JsonNode c) {
    JsonNode eos = c.path("eos_token_id");
    return eos.isArray() ? eos.get(0).asInt() : eos.asInt(-1);
  }
}
