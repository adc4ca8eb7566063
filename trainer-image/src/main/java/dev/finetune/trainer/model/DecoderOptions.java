/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import java.util.List;

/**
 * What distinguishes one decoder-only family from another inside {@link DecoderBlock}: each setting
 * is one line of the transformers modeling file it comes from (SEMANTICS.md section 7).
 *
 * @param norm how RMSNorm applies its weight
 * @param sandwichNorms Gemma: a norm after attention and after the MLP too (four per layer)
 * @param qkNorm Qwen3, Gemma 3: RMSNorm over every query and key head before RoPE
 * @param fusedProjections Phi-3: {@code qkv_proj} and {@code gate_up_proj}
 * @param qkvBias biases on q, k and v
 * @param outputBias a bias on o_proj (attention_bias of Llama, Qwen3, Gemma)
 * @param mlpBias biases on the MLP projections (Llama's mlp_bias)
 * @param activation the MLP's gate activation
 * @param embeddingScale multiplies the embeddings (Gemma: sqrt(hidden)); 1 for none
 * @param attentionScale multiplies q·kᵀ (head_dim^-0.5, Gemma query_pre_attn_scalar^-0.5)
 * @param attentionSoftcap Gemma 2: scores = cap·tanh(scores/cap) before the mask; 0 for none
 * @param finalSoftcap Gemma: logits = cap·tanh(logits/cap); 0 for none
 * @param layers per layer: the attention window and the rotary tables
 */
public record DecoderOptions(
    Norm norm,
    boolean sandwichNorms,
    boolean qkNorm,
    boolean fusedProjections,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    Activation activation,
    double embeddingScale,
    double attentionScale,
    double attentionSoftcap,
    double finalSoftcap,
    List<LayerAttention> layers) {

  public DecoderOptions {
    layers = List.copyOf(layers);
  }

  /** RMSNorm's weight: {@code w·x̂} (Llama) or {@code (1 + w)·x̂} (Gemma, weights stored as w). */
  public enum Norm {
    WEIGHT,
    ONE_PLUS_WEIGHT
  }

  /** The MLP gate: SiLU (SwiGLU) or tanh-approximated GELU (GeGLU). */
  public enum Activation {
    SILU,
    GELU_TANH
  }

  /**
   * One layer's attention.
   *
   * @param slidingWindow the key positions a query sees (q − W &lt; k ≤ q); 0 for all (causal)
   * @param rope the rotary tables this layer uses
   */
  public record LayerAttention(int slidingWindow, RotaryEmbedding rope) {}
}
