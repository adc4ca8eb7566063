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
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a causal LM, read from a Hugging Face {@code config.json}, with each architecture's
 * own key names mapped to one vocabulary.
 *
 * @param family which block implements it: GPT-2's, or the decoder one (Llama, Mistral, Qwen,
 *     Gemma, Phi-3)
 * @param modelType the config's model_type
 * @param decoder the decoder family's settings; null for GPT-2
 * @param textOfMultimodal the text model inside a multimodal checkpoint (Gemma 3's {@code
 *     Gemma3ForConditionalGeneration}): only its language model is loaded and trained, the rest of
 *     the checkpoint is written back unchanged
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
    int maxPositions,
    boolean tieWordEmbeddings,
    int eosTokenId,
    DecoderOptions decoder,
    boolean textOfMultimodal) {

  /** Implementation families. */
  public enum Family {
    GPT2,
    DECODER
  }

  /** Every model_type the trainer implements. */
  public static List<String> supportedModelTypes() {
    List<String> all = new ArrayList<>(List.of("gpt2"));
    all.addAll(DecoderConfigReader.MODEL_TYPES);
    all.add("gemma3");
    return all;
  }

  public static ModelConfig read(Path modelDir) {
    Path file = modelDir.resolve("config.json");
    JsonNode c;
    try {
      c = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
    ConfigJson config = ConfigJson.root(c, file);
    String type = config.textOr("model_type", "");
    if (type.equals("gpt2")) {
      return gpt2(config);
    }
    if (DecoderConfigReader.MODEL_TYPES.contains(type)) {
      return DecoderConfigReader.read(config, type);
    }
    if (type.equals("gemma3")) {
      return gemma3Text(config);
    }
    throw config.unsupported("model_type", type, String.join(", ", supportedModelTypes()));
  }

  private static ModelConfig gpt2(ConfigJson c) {
    String act = c.textOr("activation_function", "gelu_new");
    if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
      throw c.unsupported("activation_function", act, "gelu_new, gelu_pytorch_tanh");
    }
    for (String key : List.of("scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn")) {
      if (c.boolOr(key, false)) {
        throw c.unsupported(key, true, "false");
      }
    }
    int hidden = c.requiredInt("n_embd");
    int heads = c.requiredInt("n_head");
    return new ModelConfig(
        Family.GPT2,
        "gpt2",
        c.requiredInt("vocab_size"),
        hidden,
        c.requiredInt("n_layer"),
        heads,
        heads,
        hidden / heads,
        c.intOr("n_inner", 4 * hidden),
        c.doubleOr("layer_norm_epsilon", 1e-5),
        c.intOr("n_positions", 1024),
        true,
        eos(c.node()),
        null,
        false);
  }

  /**
   * Gemma 3 4B/12B/27B are {@code Gemma3ForConditionalGeneration}: the language model's config is
   * {@code text_config} (a {@code gemma3_text} config), the EOS ids are at the top level.
   */
  private static ModelConfig gemma3Text(ConfigJson c) {
    if (!c.raw("text_config").isObject()) {
      throw c.error("text_config", "is missing (model_type gemma3 holds its language model there)");
    }
    ModelConfig text = DecoderConfigReader.read(c.child("text_config"), "gemma3_text");
    // Gemma3TextConfig's default EOS is 1 (<eos>).
    int eos =
        c.has("eos_token_id") ? eos(c.node()) : text.eosTokenId() >= 0 ? text.eosTokenId() : 1;
    return new ModelConfig(
        text.family(),
        "gemma3",
        text.vocabSize(),
        text.hiddenSize(),
        text.layers(),
        text.heads(),
        text.kvHeads(),
        text.headDim(),
        text.intermediateSize(),
        text.normEps(),
        text.maxPositions(),
        text.tieWordEmbeddings(),
        eos,
        text.decoder(),
        true);
  }

  static int eos(JsonNode c) {
    JsonNode eos = c.path("eos_token_id");
    return eos.isArray() ? eos.get(0).asInt() : eos.asInt(-1);
  }
}
