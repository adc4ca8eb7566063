/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import java.util.Set;

/**
 * Reads the RoPE settings of a config.json in both layouts (SEMANTICS.md 7.1): transformers 4's
 * top-level {@code rope_theta} + {@code rope_scaling}, and transformers 5's {@code rope_parameters}
 * ({@code rope_type}, {@code rope_theta} and the type's keys in one object). A RoPE type whose
 * tables the trainer does not compute is refused by name.
 */
final class RopeReader {
  static final Set<String> PLAIN_TYPES = Set.of("default", "linear", "llama3");

  private RopeReader() {}

  /**
   * The rotary embedding described by {@code config}'s top level.
   *
   * @param headDim the head size (the rotated part is {@code headDim · partial_rotary_factor})
   * @param defaultTheta the config class's rope_theta default
   * @param types the RoPE types this family may use
   */
  static RotaryEmbedding read(
      ConfigJson config, int headDim, double defaultTheta, Set<String> types) {
    if (config.has("rope_parameters")) {
      ConfigJson rope = config.child("rope_parameters");
      double theta = rope.doubleOr("rope_theta", config.doubleOr("rope_theta", defaultTheta));
      return fromObject(config, rope, theta, headDim, types);
    }
    double theta = config.doubleOr("rope_theta", defaultTheta);
    if (config.has("rope_scaling")) {
      return fromObject(config, config.child("rope_scaling"), theta, headDim, types);
    }
    return RotaryEmbedding.plain(theta, rotaryDim(config, config, headDim));
  }

  /** One rope object (4.x rope_scaling or one 5.x rope_parameters entry) of the given base. */
  static RotaryEmbedding fromObject(
      ConfigJson config, ConfigJson rope, double theta, int headDim, Set<String> types) {
    String typeKey = rope.has("rope_type") ? "rope_type" : "type";
    String type = rope.textOr(typeKey, "default");
    // Phi-3's configuration maps its older names for longrope onto it.
    if (types.contains("longrope") && (type.equals("su") || type.equals("yarn"))) {
      type = "longrope";
    }
    if (!types.contains(type)) {
      throw rope.unsupported(typeKey, type, String.join(", ", types.stream().sorted().toList()));
    }
    int dim = rotaryDim(config, rope, headDim);
    return switch (type) {
      case "default" -> RotaryEmbedding.plain(theta, dim);
      case "linear" -> RotaryEmbedding.linear(theta, dim, positive(rope, "factor"));
      case "llama3" ->
          RotaryEmbedding.llama3(
              theta,
              dim,
              positive(rope, "factor"),
              positive(rope, "low_freq_factor"),
              positive(rope, "high_freq_factor"),
              positive(rope, "original_max_position_embeddings"));
      case "longrope" -> longrope(config, rope, theta, dim);
      default -> throw new IllegalStateException(type);
    };
  }

  /**
   * Phi-3's longrope: the original context from the top level (Phi-3 always has it), else from the
   * rope object, else max_position_embeddings; the attention factor from the rope object, else
   * sqrt(1 + ln(factor) / ln(original)) when the context was extended.
   */
  private static RotaryEmbedding longrope(
      ConfigJson config, ConfigJson rope, double theta, int dim) {
    int max = config.intOr("max_position_embeddings", 4096);
    boolean hasOriginal =
        config.has("original_max_position_embeddings")
            || rope.has("original_max_position_embeddings");
    int original =
        config.intOr(
            "original_max_position_embeddings",
            rope.intOr("original_max_position_embeddings", max));
    double factor = hasOriginal ? (double) max / original : rope.doubleOr("factor", 1.0);
    double attentionFactor =
        rope.doubleOr(
            "attention_factor",
            factor <= 1 ? 1.0 : Math.sqrt(1 + Math.log(factor) / Math.log(original)));
    return RotaryEmbedding.longrope(
        theta,
        dim,
        rope.doubles("short_factor", dim / 2),
        rope.doubles("long_factor", dim / 2),
        original,
        attentionFactor);
  }

  /** {@code int(head_dim · partial_rotary_factor)}, the factor at the top level or in the rope. */
  private static int rotaryDim(ConfigJson config, ConfigJson rope, int headDim) {
    double partial =
        config.doubleOr("partial_rotary_factor", rope.doubleOr("partial_rotary_factor", 1.0));
    if (!(partial > 0 && partial <= 1)) {
      throw config.error("partial_rotary_factor", "must be in (0, 1] (got " + partial + ")");
    }
    int dim = (int) (headDim * partial);
    if (dim % 2 != 0) {
      throw config.error(
          "partial_rotary_factor", "gives " + dim + " rotary dimensions, an odd number");
    }
    return dim;
  }

  private static double positive(ConfigJson rope, String key) {
    if (!rope.has(key)) {
      throw rope.error(key, "is missing (the RoPE type needs it)");
    }
    double v = rope.doubleOr(key, 0);
    if (!(v > 0)) {
      throw rope.error(key, "must be positive (got " + v + ")");
    }
    return v;
  }
}
