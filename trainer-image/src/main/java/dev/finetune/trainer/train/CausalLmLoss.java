/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Next-token negative log-likelihood over the scored positions of a batch. */
public final class CausalLmLoss {
  private CausalLmLoss() {}

  /**
   * Σ −log softmax(logits[t−1])[ids[t]] over scored positions t (a scalar). Divide by the scored
   * count for the token-weighted mean.
   */
  public static NDArray nllSum(NDArray logits, TokenBatch batch) {
    long length = logits.getShape().get(1);
    if (length < 2) {
      return logits.getManager().zeros(new ai.djl.ndarray.types.Shape());
    }
    NDArray logp = logits.get(new NDIndex(":, 0:{}, :", length - 1)).logSoftmax(2);
    NDArray targets = batch.ids().get(new NDIndex(":, 1:")).expandDims(2);
    NDArray picked = logp.gather(targets, 2).squeeze(2);
    NDArray mask = batch.scored().get(new NDIndex(":, 1:"));
    return picked.mul(mask).sum().neg();
  }
}
