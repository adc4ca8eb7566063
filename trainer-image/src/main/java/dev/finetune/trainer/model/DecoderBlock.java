/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.finetune.trainer.model.DecoderOptions.LayerAttention;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The decoder-only families after Llama: Llama (2, 3.x with scaled RoPE), Mistral and Ministral
 * (sliding windows), Qwen2 (q/k/v biases), Qwen3 (q/k norms), Gemma 2 and Gemma 3 text (four (1 +
 * w) norms per layer, GeGLU, soft-capping, sliding and global layers), Phi-3 (fused projections,
 * partial rotary, longrope). RMSNorm, rotary positions in Hugging Face's rotate_half layout,
 * grouped-query attention and a gated MLP; {@link DecoderOptions} holds what differs.
 */
public final class DecoderBlock extends CausalLmBlock {
  private static final Pattern LINEAR =
      Pattern.compile(
          "model\\.layers\\.\\d+\\.(self_attn\\.(q|k|v|o|qkv)_proj|mlp\\.(gate|up|down|gate_up)_proj)"
              + "\\.weight");

  private final DecoderOptions options;

  public DecoderBlock(ModelConfig config) {
    super(config);
    this.options = config.decoder();
    declare("model.embed_tokens.weight");
    for (int i = 0; i < config.layers(); i++) {
      String p = "model.layers." + i + ".";
      declare(p + "input_layernorm.weight");
      if (options.fusedProjections()) {
        declare(p + "self_attn.qkv_proj.weight");
      } else {
        for (String proj : List.of("q_proj", "k_proj", "v_proj")) {
          declareLinear(p + "self_attn." + proj, options.qkvBias());
        }
      }
      if (options.qkNorm()) {
        declare(p + "self_attn.q_norm.weight");
        declare(p + "self_attn.k_norm.weight");
      }
      declareLinear(p + "self_attn.o_proj", options.outputBias());
      declare(p + "post_attention_layernorm.weight");
      if (options.sandwichNorms()) {
        declare(p + "pre_feedforward_layernorm.weight");
        declare(p + "post_feedforward_layernorm.weight");
      }
      if (options.fusedProjections()) {
        declare(p + "mlp.gate_up_proj.weight");
      } else {
        declareLinear(p + "mlp.gate_proj", options.mlpBias());
        declareLinear(p + "mlp.up_proj", options.mlpBias());
      }
      declareLinear(p + "mlp.down_proj", options.mlpBias());
    }
    declare("model.norm.weight");
    if (!config.tieWordEmbeddings()) {
      declare("lm_head.weight");
    }
  }

  private void declareLinear(String module, boolean bias) {
    declare(module + ".weight");
    if (bias) {
      declare(module + ".bias");
    }
  }

  @Override
  public boolean isLinearWeight(String weightKey) {
    return LINEAR.matcher(weightKey).matches();
  }

  @Override
  public boolean storesLinearTransposed() {
    return false;
  }

  /**
   * The module's path as transformers names it in the loaded model (and PEFT in adapter keys):
   * inside Gemma3ForConditionalGeneration the language model is {@code model.language_model}.
   */
  @Override
  public String modulePath(String weightKey) {
    String path = weightKey.substring(0, weightKey.lastIndexOf('.'));
    return config.textOfMultimodal() && path.startsWith("model.")
        ? "model.language_model." + path.substring("model.".length())
        : path;
  }

  /** PEFT's defaults for these model types: the query and value projections (fused in Phi-3). */
  @Override
  public List<String> defaultLoraTargets() {
    return options.fusedProjections() ? List.of("qkv_proj") : List.of("q_proj", "v_proj");
  }

  @Override
  protected String headWeightKey() {
    return config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
  }

  /** The plain head, then Gemma's final soft-cap where the config has one. */
  @Override
  public NDArray head(NDArray hidden) {
    NDArray logits = super.head(hidden);
    return transformsLogits() ? softcap(logits, options.finalSoftcap()) : logits;
  }

  @Override
  protected boolean transformsLogits() {
    return options.finalSoftcap() > 0;
  }

  @Override
  public NDArray hiddenStates(NDArray ids, NDArray positions, NDArray segments) {
    NDManager manager = ids.getManager();
    long length = ids.getShape().get(1);
    // The tables cover the positions used; longrope picks its factors by that length, as
    // transformers does from the largest position id.
    long positionsUsed = positions == null ? length : positions.max().getLong() + 1;
    Map<RotaryEmbedding, NDArray[]> ropeTables = new IdentityHashMap<>();
    Map<Integer, NDArray> masks = new HashMap<>();
    // The residual stream is float32 under mixed precision too (a float16 table is widened).
    NDArray h = Precision.widen(embedding(ids, w("model.embed_tokens.weight")));
    if (options.embeddingScale() != 1) {
      h = h.mul(scalar(manager, options.embeddingScale()));
    }
    for (int i = 0; i < config.layers(); i++) {
      String p = "model.layers." + i + ".";
      LayerAttention layer = options.layers().get(i);
      NDArray[] rope =
          ropeTables.computeIfAbsent(
              layer.rope(), r -> atPositions(r.tables(manager, positionsUsed), positions));
      NDArray mask =
          masks.computeIfAbsent(
              layer.slidingWindow(), window -> attentionMask(manager, length, window, segments));

      NDArray attended = selfAttention(rmsNorm(h, p + "input_layernorm.weight"), p, rope, mask);
      if (options.sandwichNorms()) {
        attended = rmsNorm(attended, p + "post_attention_layernorm.weight");
      }
      h = h.add(attended);

      String preMlpNorm =
          options.sandwichNorms() ? "pre_feedforward_layernorm" : "post_attention_layernorm";
      NDArray m = mlp(rmsNorm(h, p + preMlpNorm + ".weight"), p);
      if (options.sandwichNorms()) {
        m = rmsNorm(m, p + "post_feedforward_layernorm.weight");
      }
      h = h.add(m);
    }
    return rmsNorm(h, "model.norm.weight");
  }

  /** The rows of cos and sin [L, dim] for each token's position: [B, 1, T, dim] (or as is). */
  private static NDArray[] atPositions(NDArray[] tables, NDArray positions) {
    if (positions == null) {
      return tables;
    }
    Shape s = positions.getShape();
    NDArray[] out = new NDArray[2];
    for (int i = 0; i < 2; i++) {
      long dim = tables[i].getShape().get(1);
      out[i] = embedding(positions, tables[i]).reshape(s.get(0), 1, s.get(1), dim);
    }
    return out;
  }

  private NDArray selfAttention(NDArray x, String p, NDArray[] rope, NDArray mask) {
    long heads = config.heads();
    long kvHeads = config.kvHeads();
    long headDim = config.headDim();
    NDArray q;
    NDArray k;
    NDArray v;
    if (options.fusedProjections()) {
      // qkv_proj's output columns: q, then k, then v (Phi-3).
      NDArray qkv = linear(x, p + "self_attn.qkv_proj.weight", null, false);
      long qEnd = heads * headDim;
      long kEnd = qEnd + kvHeads * headDim;
      q = lastDimSlice(qkv, 0, qEnd);
      k = lastDimSlice(qkv, qEnd, kEnd);
      v = lastDimSlice(qkv, kEnd, kEnd + kvHeads * headDim);
    } else {
      q = projection(x, p + "self_attn.q_proj", options.qkvBias());
      k = projection(x, p + "self_attn.k_proj", options.qkvBias());
      v = projection(x, p + "self_attn.v_proj", options.qkvBias());
    }
    q = splitHeads(q, heads, headDim);
    k = splitHeads(k, kvHeads, headDim);
    v = splitHeads(v, kvHeads, headDim);
    if (options.qkNorm()) {
      q = rmsNorm(q, p + "self_attn.q_norm.weight");
      k = rmsNorm(k, p + "self_attn.k_norm.weight");
    }
    q = rotate(q, rope[0], rope[1]);
    k = rotate(k, rope[0], rope[1]);
    // Grouped-query attention: attention() repeats the key/value heads.
    NDArray attended =
        mergeHeads(attention(q, k, v, mask, options.attentionScale(), options.attentionSoftcap()));
    return projection(attended, p + "self_attn.o_proj", options.outputBias());
  }

  private NDArray mlp(NDArray x, String p) {
    NDArray gate;
    NDArray up;
    if (options.fusedProjections()) {
      // gate_up_proj's output: the gate's half, then up's (Phi-3).
      NDArray gateUp = linear(x, p + "mlp.gate_up_proj.weight", null, false);
      long half = gateUp.getShape().get(2) / 2;
      gate = lastDimSlice(gateUp, 0, half);
      up = lastDimSlice(gateUp, half, 2 * half);
    } else {
      gate = projection(x, p + "mlp.gate_proj", options.mlpBias());
      up = projection(x, p + "mlp.up_proj", options.mlpBias());
    }
    NDArray activated =
        switch (options.activation()) {
          case SILU -> gate.mul(Activation.sigmoid(gate));
          case GELU_TANH -> geluTanh(gate);
        };
    return projection(activated.mul(up), p + "mlp.down_proj", options.mlpBias());
  }

  private NDArray projection(NDArray x, String module, boolean bias) {
    return linear(x, module + ".weight", bias ? module + ".bias" : null, false);
  }

  /**
   * RMSNorm over the last axis, in float32: {@code x / sqrt(mean(x²) + eps)} times {@code w}
   * (Llama) or {@code 1 + w} (Gemma). A float16 input (a projection's output under mixed precision)
   * is widened first, as transformers' norms do.
   */
  private NDArray rmsNorm(NDArray input, String weightKey) {
    NDArray x = Precision.widen(input);
    NDManager manager = x.getManager();
    int last = x.getShape().dimension() - 1;
    NDArray variance = x.square().mean(new int[] {last}, true);
    NDArray normalized = x.div(variance.add(scalar(manager, config.normEps())).sqrt());
    NDArray weight = w(weightKey);
    return switch (options.norm()) {
      case WEIGHT -> normalized.mul(weight);
      case ONE_PLUS_WEIGHT -> normalized.mul(weight.add(scalar(manager, 1)));
    };
  }

  /**
   * The first {@code dim} entries of each head rotated: {@code x·cos + rotate_half(x)·sin},
   * rotate_half([a, b]) = [-b, a]; the rest (partial rotary) passes unchanged.
   */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    long headDim = x.getShape().get(3);
    long dim = cos.getShape().get(cos.getShape().dimension() - 1);
    NDArray part = dim == headDim ? x : lastDimSlice(x, 0, dim);
    NDArray x1 = lastDimSlice(part, 0, dim / 2);
    NDArray x2 = lastDimSlice(part, dim / 2, dim);
    NDArray rotated = part.mul(cos).add(x2.neg().concat(x1, 3).mul(sin));
    return dim == headDim ? rotated : rotated.concat(lastDimSlice(x, dim, headDim), 3);
  }
}
