/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.trainer.model.DecoderOptions.Activation;
import dev.finetune.trainer.model.DecoderOptions.LayerAttention;
import dev.finetune.trainer.model.DecoderOptions.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Reads the config.json of the decoder-only families {@link DecoderBlock} implements, one method
 * per {@code model_type}, with each transformers config class's defaults for absent keys
 * (SEMANTICS.md section 7). What a family's modeling code would compute differently from what is
 * implemented here (another activation, RoPE type or layer type) is refused with the field named.
 */
final class DecoderConfigReader {
  static final List<String> MODEL_TYPES =
      List.of("llama", "mistral", "ministral", "qwen2", "qwen3", "gemma2", "gemma3_text", "phi3");

  private static final Set<String> GEMMA_ROPE = Set.of("default", "linear");
  private static final Set<String> PHI3_ROPE = Set.of("default", "longrope");

  private DecoderConfigReader() {}

  static ModelConfig read(ConfigJson c, String type) {
    if (type.startsWith("gemma")) {
      return gemma(c, type);
    }
    if (type.equals("phi3")) {
      return phi3(c);
    }
    int layers = c.requiredInt("num_hidden_layers");
    return switch (type) {
      case "llama" -> llamaLike(c, type, all(layers, 0));
      case "mistral" ->
          llamaLike(c, type, all(layers, (int) c.doubleOrOff("sliding_window", 4096)));
      case "ministral" -> {
        int window = (int) c.doubleOrOff("sliding_window", 4096);
        yield llamaLike(c, type, layerWindows(c, layers, window, i -> window > 0));
      }
      case "qwen2", "qwen3" -> llamaLike(c, type, qwenWindows(c, layers));
      default -> throw new IllegalArgumentException(type);
    };
  }

  /**
   * Class defaults of the shape itself, for configs that may leave it out: the {@code text_config}
   * of a multimodal Gemma 3 is saved as a diff against Gemma3TextConfig's defaults.
   */
  private record ShapeDefaults(
      int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads) {}

  /** The config's shape, with the family's defaults. */
  private record Common(
      int vocab,
      int hidden,
      int layers,
      int heads,
      int kvHeads,
      int headDim,
      int intermediate,
      double eps,
      int maxPositions,
      boolean tie) {
    static Common read(
        ConfigJson c,
        Integer headDimDefault,
        double epsDefault,
        boolean tieDefault,
        int maxDefault) {
      return read(c, headDimDefault, epsDefault, tieDefault, maxDefault, null);
    }

    /** As above; with {@code shape} null, the shape's keys are required. */
    static Common read(
        ConfigJson c,
        Integer headDimDefault,
        double epsDefault,
        boolean tieDefault,
        int maxDefault,
        ShapeDefaults shape) {
      int hidden = shaped(c, "hidden_size", shape == null ? null : shape.hidden());
      int heads = shaped(c, "num_attention_heads", shape == null ? null : shape.heads());
      int kvHeads = c.intOr("num_key_value_heads", shape == null ? heads : shape.kvHeads());
      if (kvHeads <= 0 || heads % kvHeads != 0) {
        throw c.error(
            "num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
      }
      int headDim = c.intOr("head_dim", headDimDefault != null ? headDimDefault : hidden / heads);
      return new Common(
          shaped(c, "vocab_size", shape == null ? null : shape.vocab()),
          hidden,
          shaped(c, "num_hidden_layers", shape == null ? null : shape.layers()),
          heads,
          kvHeads,
          headDim,
          shaped(c, "intermediate_size", shape == null ? null : shape.intermediate()),
          c.doubleOr("rms_norm_eps", epsDefault),
          c.intOr("max_position_embeddings", maxDefault),
          c.boolOr("tie_word_embeddings", tieDefault));
    }

    private static int shaped(ConfigJson c, String key, Integer fallback) {
      return fallback == null ? c.requiredInt(key) : c.intOr(key, fallback);
    }

    ModelConfig with(String type, ConfigJson c, DecoderOptions options) {
      return new ModelConfig(
          ModelConfig.Family.DECODER,
          type,
          vocab,
          hidden,
          layers,
          heads,
          kvHeads,
          headDim,
          intermediate,
          eps,
          maxPositions,
          tie,
          ModelConfig.eos(c.node()),
          options,
          false);
    }
  }

  /** Llama, Mistral, Ministral, Qwen2 and Qwen3: RMSNorm, SwiGLU, one RoPE for all layers. */
  private static ModelConfig llamaLike(ConfigJson c, String type, List<Integer> windows) {
    boolean qwen3 = type.equals("qwen3");
    requireActivation(c, "hidden_act", "silu");
    boolean qwen2 = type.equals("qwen2");
    Common s =
        Common.read(
            c,
            qwen3 ? 128 : null,
            1e-6,
            false,
            qwen2 || qwen3 ? 32768 : type.equals("llama") ? 2048 : 131072);
    RotaryEmbedding rope = RopeReader.read(c, s.headDim(), 10000, RopeReader.PLAIN_TYPES);
    // attention_bias: Qwen2 always has q/k/v biases and never an o bias; Llama and Qwen3 put one
    // on all four when it is set. Mistral has none.
    boolean attentionBias = !type.startsWith("mistral") && c.boolOr("attention_bias", false);
    boolean mlpBias = type.equals("llama") && c.boolOr("mlp_bias", false);
    return s.with(
        type,
        c,
        new DecoderOptions(
            Norm.WEIGHT,
            false,
            qwen3,
            false,
            qwen2 || attentionBias,
            !qwen2 && attentionBias,
            mlpBias,
            Activation.SILU,
            1,
            1 / Math.sqrt(s.headDim()),
            0,
            0,
            layers(windows, i -> rope)));
  }

  /**
   * Gemma 2 and Gemma 3 text: (1 + w) RMSNorm, four norms per layer, embeddings × sqrt(hidden),
   * GeGLU, scores scaled by query_pre_attn_scalar^-0.5, sliding and global layers. Gemma 3 adds q/k
   * norms and a separate RoPE base for sliding layers; Gemma 2 soft-caps the scores.
   */
  private static ModelConfig gemma(ConfigJson c, String type) {
    boolean gemma3 = type.equals("gemma3_text");
    String activationKey = c.has("hidden_activation") ? "hidden_activation" : "hidden_act";
    String activation = c.textOr(activationKey, "gelu_pytorch_tanh");
    if (!activation.equals("gelu_pytorch_tanh") && !activation.equals("gelu_new")) {
      throw c.unsupported(activationKey, activation, "gelu_pytorch_tanh");
    }
    if (gemma3 && c.boolOr("use_bidirectional_attention", false)) {
      throw c.unsupported("use_bidirectional_attention", true, "false");
    }
    Common s =
        Common.read(
            c,
            256,
            1e-6,
            true,
            gemma3 ? 131072 : 8192,
            new ShapeDefaults(gemma3 ? 262208 : 256000, 2304, 9216, 26, 8, 4));
    int window = c.intOr("sliding_window", 4096);
    int pattern =
        c.intOr("sliding_window_pattern", c.intOr("_sliding_window_pattern", gemma3 ? 6 : 2));
    List<Integer> windows = layerWindows(c, s.layers(), window, i -> (i + 1) % pattern != 0);
    RotaryEmbedding global;
    RotaryEmbedding local;
    JsonNode nested = c.raw("rope_parameters").path("full_attention");
    if (gemma3 && nested.isObject()) {
      // transformers 5: one rope object per layer type.
      ConfigJson rope = c.child("rope_parameters");
      global = fromNested(c, rope.child("full_attention"), s.headDim(), 1_000_000);
      local = fromNested(c, rope.child("sliding_attention"), s.headDim(), 10_000);
    } else {
      global = RopeReader.read(c, s.headDim(), gemma3 ? 1_000_000 : 10_000, GEMMA_ROPE);
      // Gemma 3's sliding layers use rope_local_base_freq, never scaled; Gemma 2 has one RoPE.
      local =
          gemma3
              ? RotaryEmbedding.plain(c.doubleOr("rope_local_base_freq", 10_000), s.headDim())
              : global;
    }
    boolean bias = c.boolOr("attention_bias", false);
    return s.with(
        type,
        c,
        new DecoderOptions(
            Norm.ONE_PLUS_WEIGHT,
            true,
            gemma3,
            false,
            bias,
            bias,
            false,
            Activation.GELU_TANH,
            (float) Math.sqrt(s.hidden()),
            1 / Math.sqrt(c.doubleOr("query_pre_attn_scalar", 256)),
            // Gemma 3's attention never applies attn_logit_softcapping (SEMANTICS.md 7.7).
            gemma3 ? 0 : c.doubleOrOff("attn_logit_softcapping", 50),
            c.doubleOrOff("final_logit_softcapping", gemma3 ? 0 : 30),
            layers(windows, i -> windows.get(i) > 0 ? local : global)));
  }

  private static RotaryEmbedding fromNested(
      ConfigJson c, ConfigJson rope, int headDim, double defaultTheta) {
    return RopeReader.fromObject(
        c, rope, rope.doubleOr("rope_theta", defaultTheta), headDim, GEMMA_ROPE);
  }

  /** Phi-3, Phi-3.5, Phi-4-mini: fused projections, partial rotary, longrope. */
  private static ModelConfig phi3(ConfigJson c) {
    requireActivation(c, "hidden_act", "silu");
    int hidden = c.requiredInt("hidden_size");
    int heads = c.requiredInt("num_attention_heads");
    // Phi-3 computes head_dim as hidden / heads and has no head_dim field.
    Common s = Common.read(c, hidden / heads, 1e-5, false, 4096);
    if (s.headDim() != hidden / heads) {
      throw c.error("head_dim", "must be hidden_size / num_attention_heads for phi3");
    }
    RotaryEmbedding rope = RopeReader.read(c, s.headDim(), 10000, PHI3_ROPE);
    int window = (int) c.doubleOrOff("sliding_window", 0);
    return s.with(
        "phi3",
        c,
        new DecoderOptions(
            Norm.WEIGHT,
            false,
            false,
            true,
            false,
            false,
            false,
            Activation.SILU,
            1,
            1 / Math.sqrt(s.headDim()),
            0,
            0,
            layers(all(s.layers(), window), i -> rope)));
  }

  /**
   * Qwen2 and Qwen3: sliding_window counts only with use_sliding_window; layers from layer_types,
   * else the layers from max_window_layers on.
   */
  private static List<Integer> qwenWindows(ConfigJson c, int layers) {
    boolean use = c.boolOr("use_sliding_window", false);
    int window = use ? (int) c.doubleOrOff("sliding_window", 4096) : 0;
    int firstSliding = c.intOr("max_window_layers", 28);
    return layerWindows(c, layers, window, i -> window > 0 && i >= firstSliding);
  }

  private static List<Integer> all(int layers, int window) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      out.add(window);
    }
    return out;
  }

  /**
   * Each layer's window from {@code layer_types} ({@code sliding_attention} or {@code
   * full_attention}), or from {@code slidesByDefault} when the config has none.
   */
  private static List<Integer> layerWindows(
      ConfigJson c, int layers, int window, IntPredicate slidesByDefault) {
    List<Integer> out = new ArrayList<>();
    if (c.has("layer_types")) {
      JsonNode types = c.raw("layer_types");
      if (!types.isArray() || types.size() != layers) {
        throw c.error("layer_types", "must list one type per layer (" + layers + " layers)");
      }
      for (int i = 0; i < layers; i++) {
        String t = types.get(i).asText();
        switch (t) {
          case "full_attention" -> out.add(0);
          case "sliding_attention" -> out.add(window);
          default ->
              throw c.unsupported("layer_types[" + i + "]", t, "full_attention, sliding_attention");
        }
      }
      return out;
    }
    for (int i = 0; i < layers; i++) {
      out.add(slidesByDefault.test(i) ? window : 0);
    }
    return out;
  }

  private static List<LayerAttention> layers(
      List<Integer> windows, java.util.function.IntFunction<RotaryEmbedding> rope) {
    List<LayerAttention> out = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      out.add(new LayerAttention(windows.get(i), rope.apply(i)));
    }
    return out;
  }

  private static void requireActivation(ConfigJson c, String key, String expected) {
    String act = c.textOr(key, expected);
    if (!act.equals(expected)) {
      throw c.unsupported(key, act, expected);
    }
  }
}
