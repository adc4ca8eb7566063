/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * Llama ({@code LlamaForCausalLM}; Mistral has the same shape) and Qwen2 (q/k/v biases): RMSNorm,
 * rotary positions in Hugging Face's rotate_half layout, grouped-query attention, SiLU-gated MLP.
 */
public final class LlamaBlock extends CausalLmBlock {
  public LlamaBlock(ModelConfig config) {
    super(config);
    declare("model.embed_tokens.weight");
    for (int i = 0; i < config.layers(); i++) {
      String p = "model.layers." + i + ".";
      declare(p + "input_layernorm.weight");
      for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
        declare(p + "self_attn." + proj + ".weight");
        if (config.qkvBias() && !proj.equals("o_proj")) {
          declare(p + "self_attn." + proj + ".bias");
        }
      }
      declare(p + "post_attention_layernorm.weight");
      declare(p + "mlp.gate_proj.weight");
      declare(p + "mlp.up_proj.weight");
      declare(p + "mlp.down_proj.weight");
    }
    declare("model.norm.weight");
    if (!config.tieWordEmbeddings()) {
      declare("lm_head.weight");
    }
  }

  private static final java.util.regex.Pattern LINEAR =
      java.util.regex.Pattern.compile(
          "model\\.layers\\.\\d+\\.(self_attn\\.[qkvo]_proj|mlp\\.(gate|up|down)_proj)\\.weight");

  @Override
  public boolean isLinearWeight(String weightKey) {
    return LINEAR.matcher(weightKey).matches();
  }

  @Override
  public boolean storesLinearTransposed() {
    return false;
  }

  @Override
  public String modulePath(String weightKey) {
    return weightKey.substring(0, weightKey.lastIndexOf('.'));
  }

  @Override
  public NDArray logits(NDArray ids) {
    NDManager manager = ids.getManager();
    long length = ids.getShape().get(1);
    long heads = config.heads();
    long kvHeads = config.kvHeads();
    long headDim = config.headDim();
    NDArray[] rope = ropeTables(manager, length);
    NDArray mask = causalMask(manager, length);
    NDArray h = embedding(ids, w("model.embed_tokens.weight"));
    for (int i = 0; i < config.layers(); i++) {
      String p = "model.layers." + i + ".";
      NDArray a = rmsNorm(h, p + "input_layernorm.weight");
      NDArray q = splitHeads(projection(a, p + "self_attn.q_proj"), heads, headDim);
      NDArray k = splitHeads(projection(a, p + "self_attn.k_proj"), kvHeads, headDim);
      NDArray v = splitHeads(projection(a, p + "self_attn.v_proj"), kvHeads, headDim);
      q = rotate(q, rope[0], rope[1]);
      k = rotate(k, rope[0], rope[1]);
      if (kvHeads != heads) {
        // Query head h reads key/value head h / (heads / kvHeads): repeat each kv head in place.
        k = k.repeat(1, heads / kvHeads);
        v = v.repeat(1, heads / kvHeads);
      }
      NDArray attended = mergeHeads(attention(q, k, v, mask));
      h = h.add(linear(attended, p + "self_attn.o_proj.weight", null, false));
      NDArray m = rmsNorm(h, p + "post_attention_layernorm.weight");
      NDArray gate = linear(m, p + "mlp.gate_proj.weight", null, false);
      NDArray up = linear(m, p + "mlp.up_proj.weight", null, false);
      h =
          h.add(
              linear(
                  gate.mul(Activation.sigmoid(gate)).mul(up),
                  p + "mlp.down_proj.weight",
                  null,
                  false));
    }
    h = rmsNorm(h, "model.norm.weight");
    String head = config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    return h.matMul(w(head).transpose());
  }

  private NDArray projection(NDArray x, String module) {
    return linear(x, module + ".weight", config.qkvBias() ? module + ".bias" : null, false);
  }

  private NDArray rmsNorm(NDArray x, String weightKey) {
    NDArray variance = x.square().mean(new int[] {2}, true);
    NDArray eps = scalar(x.getManager(), config.normEps());
    return x.div(variance.add(eps).sqrt()).mul(w(weightKey));
  }

  /** q·cos + rotate_half(q)·sin, rotate_half(x) = [-x2, x1]. */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().get(3) / 2;
    NDArray x1 = lastDimSlice(x, 0, half);
    NDArray x2 = lastDimSlice(x, half, 2 * half);
    NDArray rotated = x2.neg().concat(x1, 3);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /** cos and sin [T, D] in float32, as transformers computes them. */
  private NDArray[] ropeTables(NDManager manager, long length) {
    int dim = config.headDim();
    float[] invFreq = new float[dim / 2];
    for (int i = 0; i < dim / 2; i++) {
      invFreq[i] = (float) (1.0 / (float) Math.pow(config.ropeTheta(), (2 * i) / (float) dim));
    }
    float[] cos = new float[(int) length * dim];
    float[] sin = new float[(int) length * dim];
    for (int t = 0; t < length; t++) {
      for (int i = 0; i < dim; i++) {
        float angle = (float) t * invFreq[i % (dim / 2)];
        cos[t * dim + i] = (float) Math.cos(angle);
        sin[t * dim + i] = (float) Math.sin(angle);
      }
    }
    return new NDArray[] {
      manager.create(cos, new ai.djl.ndarray.types.Shape(length, dim)),
      manager.create(sin, new ai.djl.ndarray.types.Shape(length, dim))
    };
  }
}
