/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;

/** Next-token negative log-likelihood over the scored positions of a batch. */
public final class CausalLmLoss {
  private CausalLmLoss() {}

  /**
   * Σ −log softmax(logits[t−1])[ids[t]] over scored positions t (a scalar). Divide by the scored
   * count for the token-weighted mean. Closes {@code logits}.
   */
  public static NDArray nllSum(NDArray logits, TokenBatch batch) {
    if (logits.getShape().get(1) < 2) {
      return logits.getManager().zeros(new ai.djl.ndarray.types.Shape());
    }
    // Position t is scored against token t+1 (the shifted targets), the last position against
    // nothing (mask 0), as Hugging Face shifts the labels: slicing the logits to [:, :-1] instead
    // makes autograd allocate and zero a gradient as large as all the logits.
    NDArray logp = logits.logSoftmax(2);
    // log_softmax's backward needs its output, not the logits: free them now, not at the end of
    // the step (they are the largest activation: batch x length x vocabulary).
    logits.close();
    NDArray picked = logp.gather(batch.nextIds().expandDims(2), 2).squeeze(2);
    return picked.mul(batch.nextScored()).sum().neg();
  }
}
