/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * GPT-2 ({@code GPT2LMHeadModel}): learned positions, pre-LayerNorm blocks, Conv1D weights stored
 * [in, out], tanh GELU, logits through the tied token embedding. Keys are those of the Hub's gpt2
 * checkpoint (no {@code transformer.} prefix).
 */
public final class Gpt2Block extends CausalLmBlock {
  public Gpt2Block(ModelConfig config) {
    super(config);
    declare("wte.weight");
    declare("wpe.weight");
    for (int i = 0; i < config.layers(); i++) {
      String p = "h." + i + ".";
      for (String name :
          new String[] {
            "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
            "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
            "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias"
          }) {
        declare(p + name);
      }
    }
    declare("ln_f.weight");
    declare("ln_f.bias");
  }

  private static final java.util.regex.Pattern LINEAR =
      java.util.regex.Pattern.compile(
          "h\\.\\d+\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight");

  @Override
  public boolean isLinearWeight(String weightKey) {
    return LINEAR.matcher(weightKey).matches();
  }

  @Override
  public boolean storesLinearTransposed() {
    return true;
  }

  @Override
  public String modulePath(String weightKey) {
    return "transformer." + weightKey.substring(0, weightKey.lastIndexOf('.'));
  }

  /** PEFT's default for GPT-2: the fused attention projection. */
  @Override
  public List<String> defaultLoraTargets() {
    return List.of("c_attn");
  }

  @Override
  protected String headWeightKey() {
    return "wte.weight";
  }

  @Override
  public NDArray hiddenStates(NDArray ids, NDArray positionIds, NDArray segments) {
    long length = ids.getShape().get(1);
    long hidden = config.hiddenSize();
    long heads = config.heads();
    long headDim = config.headDim();
    NDArray positions =
        positionIds != null
            ? positionIds
            : ids.getManager().arange(length).toType(ids.getDataType(), false);
    // The residual stream is float32 under mixed precision too (float16 tables are widened).
    NDArray h =
        Precision.widen(embedding(ids, w("wte.weight")))
            .add(Precision.widen(embedding(positions, w("wpe.weight"))));
    NDArray mask = attentionMask(ids.getManager(), length, 0, segments);
    for (int i = 0; i < config.layers(); i++) {
      String p = "h." + i + ".";
      NDArray a = layerNorm(h, p + "ln_1");
      NDArray qkv = linear(a, p + "attn.c_attn.weight", p + "attn.c_attn.bias", true);
      NDList parts = qkv.split(3, 2);
      NDArray attended =
          attention(
              splitHeads(parts.get(0), heads, headDim),
              splitHeads(parts.get(1), heads, headDim),
              splitHeads(parts.get(2), heads, headDim),
              mask);
      h =
          h.add(
              linear(mergeHeads(attended), p + "attn.c_proj.weight", p + "attn.c_proj.bias", true));
      NDArray m = layerNorm(h, p + "ln_2");
      m = geluTanh(linear(m, p + "mlp.c_fc.weight", p + "mlp.c_fc.bias", true));
      h = h.add(linear(m, p + "mlp.c_proj.weight", p + "mlp.c_proj.bias", true));
    }
    return layerNorm(h, "ln_f");
  }

  private NDArray layerNorm(NDArray x, String prefix) {
    return x.getNDArrayInternal()
        .layerNorm(
            x,
            new Shape(config.hiddenSize()),
            Precision.widen(w(prefix + ".weight")),
            Precision.widen(w(prefix + ".bias")),
            (float) config.normEps())
        .singletonOrThrow();
  }
}
