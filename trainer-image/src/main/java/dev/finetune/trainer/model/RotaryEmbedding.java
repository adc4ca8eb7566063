/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position tables as transformers computes them (SEMANTICS.md 7.1): the frequencies of the
 * first {@code dim} entries of each head, already modified by the RoPE type (linear, llama3,
 * longrope), and the attention factor both tables are multiplied by. Longrope has two sets of
 * frequencies: {@code longInvFreq} is used for a forward pass longer than {@code original}
 * positions, as transformers' {@code dynamic_rope_update} switches them per call.
 *
 * @param dim the number of rotated entries per head ({@code head_dim · partial_rotary_factor})
 * @param invFreq frequencies for dim/2 pairs
 * @param longInvFreq longrope's frequencies for long passes, or null
 * @param original the pass length above which {@code longInvFreq} applies
 * @param attentionFactor scales cos and sin (1 except for longrope)
 */
public record RotaryEmbedding(
    int dim, float[] invFreq, float[] longInvFreq, int original, float attentionFactor) {

  /** Default RoPE: {@code 1 / theta^(2i/dim)} in float32, as {@code torch.arange(0, dim, 2)}. */
  public static float[] defaultInvFreq(double theta, int dim) {
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = (float) (1.0 / (float) Math.pow(theta, (2 * i) / (float) dim));
    }
    return inv;
  }

  public static RotaryEmbedding plain(double theta, int dim) {
    return new RotaryEmbedding(dim, defaultInvFreq(theta, dim), null, 0, 1f);
  }

  /** {@code linear}: every frequency divided by {@code factor}. */
  public static RotaryEmbedding linear(double theta, int dim, double factor) {
    float[] inv = defaultInvFreq(theta, dim);
    for (int i = 0; i < inv.length; i++) {
      inv[i] = (float) (inv[i] / factor);
    }
    return new RotaryEmbedding(dim, inv, null, 0, 1f);
  }

  /**
   * {@code llama3}: wavelengths shorter than {@code original / highFreqFactor} stay, longer than
   * {@code original / lowFreqFactor} are divided by {@code factor}, and the band between is
   * interpolated (transformers {@code _compute_llama3_parameters}).
   */
  public static RotaryEmbedding llama3(
      double theta,
      int dim,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      double original) {
    float[] inv = defaultInvFreq(theta, dim);
    double lowWavelen = original / lowFreqFactor;
    double highWavelen = original / highFreqFactor;
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      if (wavelen > lowWavelen) {
        inv[i] = (float) (inv[i] / factor);
      } else if (!(wavelen < highWavelen)) {
        double smooth = (original / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
      }
    }
    return new RotaryEmbedding(dim, inv, null, 0, 1f);
  }

  /**
   * {@code longrope} (Phi-3): {@code 1 / (ext[i] · theta^(2i/dim))} with the short factors up to
   * {@code original} positions and the long ones beyond; both tables scaled by the attention
   * factor.
   */
  public static RotaryEmbedding longrope(
      double theta,
      int dim,
      double[] shortFactor,
      double[] longFactor,
      int original,
      double attentionFactor) {
    return new RotaryEmbedding(
        dim,
        scaled(theta, dim, shortFactor),
        scaled(theta, dim, longFactor),
        original,
        (float) attentionFactor);
  }

  private static float[] scaled(double theta, int dim, double[] factors) {
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float base = (float) Math.pow(theta, (2 * i) / (float) dim);
      inv[i] = (float) (1.0 / (float) (factors[i] * base));
    }
    return inv;
  }

  /** cos and sin [T, dim] for positions 0..T-1, float32, scaled by the attention factor. */
  public NDArray[] tables(NDManager manager, long length) {
    float[] freq = longInvFreq != null && length > original ? longInvFreq : invFreq;
    int half = dim / 2;
    float[] cos = new float[(int) length * dim];
    float[] sin = new float[(int) length * dim];
    for (int t = 0; t < length; t++) {
      for (int i = 0; i < dim; i++) {
        float angle = (float) t * freq[i % half];
        cos[t * dim + i] = (float) Math.cos(angle) * attentionFactor;
        sin[t * dim + i] = (float) Math.sin(angle) * attentionFactor;
      }
    }
    return new NDArray[] {
      manager.create(cos, new Shape(length, dim)), manager.create(sin, new Shape(length, dim))
    };
  }
}
