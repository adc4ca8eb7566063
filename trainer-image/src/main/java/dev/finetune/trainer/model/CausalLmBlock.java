/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face causal LM as one DJL block: one {@link Parameter} per checkpoint tensor, named by
 * its Hugging Face key, so weights load and save under the names other tools use. Subclasses write
 * the architecture's forward pass with plain NDArray operations, following the Hugging Face
 * implementation step by step.
 */
public abstract class CausalLmBlock extends AbstractBlock {
  protected final ModelConfig config;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  private LoraAdapter adapter;
  private Precision precision = Precision.FLOAT32;

  protected CausalLmBlock(ModelConfig config) {
    this.config = config;
  }

  public ModelConfig config() {
    return config;
  }

  /** Parameters by their Hugging Face key, in checkpoint order. */
  public Map<String, Parameter> parametersByName() {
    return Collections.unmodifiableMap(byName);
  }

  /** Applies a LoRA adapter to the forward pass (null removes it). */
  public void setAdapter(LoraAdapter adapter) {
    this.adapter = adapter;
  }

  public LoraAdapter adapter() {
    return adapter;
  }

  /** The dtype of the forward pass's matrix products (see {@link Precision}). */
  public void setPrecision(Precision precision) {
    this.precision = precision;
  }

  public Precision precision() {
    return precision;
  }

  /**
   * Holds every weight the optimizer does not train in float16 (a LoRA base under mixed precision:
   * half the memory). The source checkpoint keeps the values: outputs copy them from there.
   */
  public void narrowWeights(java.util.Set<String> keys) {
    for (String key : keys) {
      // A DJL Parameter takes its array once: the narrowed one is a new Parameter of that name.
      Parameter wide = byName.get(key);
      Parameter narrow = Parameter.builder().setName(key).setType(Parameter.Type.WEIGHT).build();
      narrow.setArray(wide.getArray().toType(DataType.FLOAT16, false));
      wide.close();
      byName.put(key, narrow);
      parameters.put(key, narrow);
    }
  }

  /** Training mode turns on the adapter's dropout; the base model has none. */
  public void setTraining(boolean training) {
    if (adapter != null) {
      adapter.setTraining(training);
    }
  }

  /** The PEFT module path of a linear layer whose weight has key {@code weightKey}. */
  public abstract String modulePath(String weightKey);

  /** Whether {@code weightKey} is the weight of a linear layer that a LoRA adapter may target. */
  public abstract boolean isLinearWeight(String weightKey);

  /**
   * Whether linear weights are stored [in, out] (GPT-2's Conv1D, PEFT {@code fan_in_fan_out})
   * rather than [out, in] (torch Linear).
   */
  public abstract boolean storesLinearTransposed();

  /** The LoRA targets PEFT picks for this model type when none are given. */
  public abstract List<String> defaultLoraTargets();

  /** Logits [B, T, vocab] for token ids [B, T] (int64), positions 0..T-1, causal attention. */
  public NDArray logits(NDArray ids) {
    return logits(ids, null, null);
  }

  /**
   * Logits [B, T, vocab] for token ids [B, T]. With packed sequences, {@code positions} [B, T]
   * gives each token's position within its example and {@code segments} [B, T] its example's index:
   * attention stays within an example (a block-diagonal causal mask). Both null: positions 0..T-1
   * and one causal mask.
   */
  public NDArray logits(NDArray ids, NDArray positions, NDArray segments) {
    return head(hiddenStates(ids, positions, segments));
  }

  /**
   * The final hidden states [B, T, hidden] (after the final norm): what the LM head reads. {@link
   * #logits} is {@link #head} of them; a loss that never materialises all the logits starts here
   * (the training loss, {@code ChunkedCrossEntropy}).
   */
  public abstract NDArray hiddenStates(NDArray ids, NDArray positions, NDArray segments);

  /**
   * Logits [B, T, vocab] in float32 from final hidden states: {@code h · headWeight()ᵀ} in the
   * compute dtype, then whatever the family applies to the product (Gemma's final soft-cap).
   */
  public NDArray head(NDArray hidden) {
    return lmHead(hidden, headWeightKey());
  }

  /** The key of the LM head's [vocab, hidden] weight: the tied token embedding or lm_head. */
  protected abstract String headWeightKey();

  /** The LM head's [vocab, hidden] weight (the tied token embedding or lm_head). */
  public NDArray headWeight() {
    return w(headWeightKey());
  }

  /**
   * Whether {@link #head} is exactly {@code h · headWeight()ᵀ} in float32: no float16 product, no
   * soft-cap or other scaling of the logits. Only then may a loss compute the logits itself.
   */
  public boolean plainHead() {
    return precision == Precision.FLOAT32
        && headWeight().getDataType() == DataType.FLOAT32
        && !transformsLogits();
  }

  /** Whether {@link #head} changes the product {@code h · Wᵀ} (an override of {@link #head}). */
  protected boolean transformsLogits() {
    return false;
  }

  protected final void declare(String key) {
    Parameter p =
        addParameter(Parameter.builder().setName(key).setType(Parameter.Type.WEIGHT).build());
    byName.put(key, p);
  }

  protected final NDArray w(String key) {
    return byName.get(key).getArray();
  }

  /**
   * A linear layer: {@code x · Wᵀ + b} for [out, in] weights, {@code x · W + b} for GPT-2's Conv1D
   * ([in, out]); plus the LoRA update {@code scaling · (x · Aᵀ) · Bᵀ} when an adapter targets this
   * module.
   */
  protected final NDArray linear(NDArray input, String weightKey, String biasKey, boolean conv1d) {
    NDArray x = precision.compute(input);
    NDArray weight = precision.compute(w(weightKey));
    NDArray y;
    if (biasKey != null) {
      // torch's linear: one matmul with the bias added in it (addmm), not a second pass.
      NDArray outIn = conv1d ? weight.transpose() : weight;
      y = x.getNDArrayInternal().linear(x, outIn, precision.compute(w(biasKey))).singletonOrThrow();
    } else {
      y = conv1d ? x.matMul(weight) : x.matMul(weight.transpose());
    }
    if (adapter != null) {
      y = adapter.apply(modulePath(weightKey), x, y, precision);
    }
    return y;
  }

  /**
   * Logits [B, T, vocab] in float32 from the final hidden states and the LM head's [vocab, hidden]
   * weight (the tied embedding or lm_head): one matrix product in the compute dtype.
   */
  protected final NDArray lmHead(NDArray h, String weightKey) {
    NDArray product = precision.compute(h).matMul(precision.compute(w(weightKey)).transpose());
    NDArray logits = Precision.widen(product);
    if (logits != product) {
      // The float16 product is not needed by the backward pass; the float32 copy is.
      product.close();
    }
    return logits;
  }

  protected static NDArray scalar(NDManager manager, double value) {
    return Scalars.of(manager, value);
  }

  protected static NDArray embedding(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * Additive mask [T, T]: 0 where query q sees key k, a large negative elsewhere. Causal ({@code k
   * ≤ q}), and with a sliding window W > 0 only the W most recent positions ({@code q − W < k}).
   */
  protected static NDArray mask(NDManager manager, long length, int window) {
    NDArray rows = manager.arange(length).reshape(length, 1);
    NDArray cols = manager.arange(length).reshape(1, length);
    NDArray hidden = cols.gt(rows);
    if (window > 0) {
      hidden = hidden.logicalOr(cols.lte(rows.sub(window)));
    }
    return hidden.toType(DataType.FLOAT32, false).mul(scalar(manager, -1e30));
  }

  /**
   * The mask for one pass: {@link #mask(NDManager, long, int)} [T, T], and with {@code segments}
   * [B, T] also hiding every key of another example: [B, 1, T, T].
   */
  protected static NDArray mask(NDManager manager, long length, int window, NDArray segments) {
    NDArray base = mask(manager, length, window);
    if (segments == null) {
      return base;
    }
    long batch = segments.getShape().get(0);
    NDArray other =
        segments
            .reshape(batch, 1, length, 1)
            .neq(segments.reshape(batch, 1, 1, length))
            .toType(DataType.FLOAT32, false)
            .mul(scalar(manager, -1e30));
    return other.addi(base);
  }

  /**
   * The mask for one pass, or null where attention is plain causal (no packed segments, no window
   * shorter than the sequence) and {@link FusedAttention} will run it in float32: then no [T, T]
   * mask is made at all. {@link #attention} takes either.
   */
  protected final NDArray attentionMask(
      NDManager manager, long length, int window, NDArray segments) {
    if (segments == null
        && (window <= 0 || window >= length)
        && precision == Precision.FLOAT32
        && FusedAttention.enabled(manager)) {
      return null;
    }
    return mask(manager, length, window, segments);
  }

  /** Softmax attention over [B, H, T, D] tensors, scaled by 1/sqrt(D), with an additive mask. */
  protected final NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
    return attention(q, k, v, mask, 1 / Math.sqrt(q.getShape().get(3)), 0);
  }

  /**
   * Softmax attention over [B, H, T, D] queries and [B, KV, T, D] keys and values (KV divides H:
   * query head h reads key/value head h / (H / KV)): scores {@code q·kᵀ·scale}, soft-capped to
   * {@code cap·tanh(scores/cap)} when {@code softcap} &gt; 0 (Gemma 2), plus the mask. With a null
   * mask (see {@link #attentionMask}) and no soft-cap, PyTorch's fused kernel computes it ({@link
   * FusedAttention}, key/value heads repeated first). Otherwise eager: the key/value heads are
   * repeated, the scale is applied to q ([B, H, T, D]) rather than to the scores ([B, H, T, T],
   * larger once T exceeds D), and the mask is added to the scores in place (matmul's backward needs
   * its inputs, not its output): one pass over the scores fewer, and one allocation. The two
   * products run in the compute dtype; the soft-cap, the mask and the softmax in float32.
   */
  protected final NDArray attention(
      NDArray q, NDArray k, NDArray v, NDArray mask, double scale, double softcap) {
    NDArray scaled = q.mul(scalar(q.getManager(), scale));
    long heads = q.getShape().get(1);
    long kvHeads = k.getShape().get(1);
    if (kvHeads != heads) {
      // Query head h reads key/value head h / (heads / kvHeads): repeat each kv head in place.
      // Also before the fused kernel: libtorch 2.7.1's CPU flash attention does not take
      // enable_gqa (with it, scaled_dot_product_attention falls back to its unfused math path).
      k = k.repeat(1, heads / kvHeads);
      v = v.repeat(1, heads / kvHeads);
    }
    if (mask == null && softcap <= 0) {
      return FusedAttention.causal(scaled, k, v);
    }
    if (mask == null) {
      mask = mask(q.getManager(), q.getShape().get(2), 0);
    }
    NDArray product = precision.compute(scaled).matMul(precision.compute(k).transpose(0, 1, 3, 2));
    NDArray scores = Precision.widen(product);
    if (scores != product) {
      product.close();
    }
    if (softcap > 0) {
      scores = softcap(scores, softcap);
    }
    scores.addi(mask);
    NDArray weights = scores.softmax(3);
    // softmax's backward needs its output only: the scores ([B, H, T, T]) can go now.
    scores.close();
    return precision.compute(weights).matMul(precision.compute(v));
  }

  /** {@code cap · tanh(x / cap)}. */
  protected static NDArray softcap(NDArray x, double cap) {
    NDManager m = x.getManager();
    return x.mul(scalar(m, 1 / cap)).tanh().mul(scalar(m, cap));
  }

  /** gelu_new / gelu_pytorch_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  protected static NDArray geluTanh(NDArray x) {
    NDManager m = x.getManager();
    NDArray cube = x.mul(x).mul(x);
    NDArray inner = x.add(cube.mul(scalar(m, 0.044715))).mul(scalar(m, Math.sqrt(2.0 / Math.PI)));
    return x.mul(scalar(m, 0.5)).mul(inner.tanh().add(scalar(m, 1)));
  }

  /** [B, T, H*D] to [B, H, T, D]. */
  protected static NDArray splitHeads(NDArray x, long heads, long headDim) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), heads, headDim).transpose(0, 2, 1, 3);
  }

  /** [B, H, T, D] to [B, T, H*D]. */
  protected static NDArray mergeHeads(NDArray x) {
    Shape s = x.getShape();
    return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
  }

  protected static NDArray lastDimSlice(NDArray x, long from, long to) {
    return x.get(new NDIndex("..., {}:{}", from, to));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    return new NDList(logits(inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize())};
  }
}
