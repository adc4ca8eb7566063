/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.model.ModelSize;
import dev.finetune.trainer.model.Precision;

/**
 * An estimate of one device's training memory, for sizing {@code resources}: the weights (float32;
 * a LoRA base in float16 under mixed precision, plus float16 copies of full fine-tuning's weights
 * for the passes), float32 gradients and AdamW's two float32 moments of what trains, and the
 * activations a micro-batch of batchSize × maxLength keeps for the backward pass — per layer {@code
 * s·b·(34·h + 5·a·s)} bytes at two bytes a value (Korthikanti et al. 2022, no recomputation), twice
 * that in float32 — plus the logits and their log-softmax in float32. Not a measurement: allocator
 * overhead and the engine's workspace come on top.
 */
public final class MemoryEstimate {
  private MemoryEstimate() {}

  /** The estimate for {@code request}'s micro-batch. */
  public static long bytes(ModelConfig c, ModelSize size, TrainRequest request) {
    return bytes(
        c,
        size,
        request.training().precision(),
        request.method().lora(),
        (long) request.training().batchSize() * request.objective().sequencesPerExample(),
        request.inputs().maxLength());
  }

  /**
   * The estimate with micro-batches of {@code batch} examples of {@code maxLength} tokens (a DPO
   * pair is two sequences).
   */
  public static long bytes(
      ModelConfig c, ModelSize size, TrainRequest request, long batch, long maxLength) {
    return bytes(
        c,
        size,
        request.training().precision(),
        request.method().lora(),
        batch * request.objective().sequencesPerExample(),
        maxLength);
  }

  /** The estimate for a precision, a method, a micro-batch of {@code batch} × {@code s} tokens. */
  public static long bytes(
      ModelConfig c, ModelSize size, Precision precision, boolean lora, long batch, long s) {
    boolean half = precision == Precision.FLOAT16;
    long weights =
        lora
            ? (half ? 2 : 4) * size.parameters() + 4 * size.trainable()
            : (half ? 4 + 2 : 4) * size.parameters();
    long gradients = 4 * size.trainable();
    long optimizer = 8 * size.trainable();
    long h = c.hiddenSize();
    long a = c.heads();
    long perLayer = s * batch * (34 * h + 5 * a * s) * (half ? 1 : 2);
    long logits = 2 * 4 * batch * s * c.vocabSize();
    return weights + gradients + optimizer + c.layers() * perLayer + logits;
  }
}
