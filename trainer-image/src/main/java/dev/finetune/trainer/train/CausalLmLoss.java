/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Log-probabilities of a batch's scored tokens under a causal LM: per token, per sequence (what a
 * preference objective and lm-eval-style scoring compare), and the SFT loss, which is minus their
 * sum.
 */
public final class CausalLmLoss {
  private CausalLmLoss() {}

  /**
   * Σ −log softmax(logits[t−1])[ids[t]] over scored positions t (a scalar). Divide by the scored
   * count for the token-weighted mean. Closes {@code logits}.
   */
  public static NDArray nllSum(NDArray logits, TokenBatch batch) {
    if (logits.getShape().get(1) < 2) {
      return logits.getManager().zeros(new Shape());
    }
    return scoredTokenLogProbs(logits, batch).sum().neg();
  }

  /**
   * Per sequence, the summed log-probability of its scored tokens, shape (rows): log p(completion |
   * prompt) when only the completion is scored. Closes {@code logits}.
   */
  public static NDArray sequenceLogProbs(NDArray logits, TokenBatch batch) {
    if (logits.getShape().get(1) < 2) {
      return logits.getManager().zeros(new Shape(logits.getShape().get(0)));
    }
    return scoredTokenLogProbs(logits, batch).sum(new int[] {1});
  }

  /**
   * log softmax(logits[t])[ids[t+1]] at each position t whose next token is scored, 0 elsewhere:
   * shape (rows, length). Closes {@code logits}.
   */
  private static NDArray scoredTokenLogProbs(NDArray logits, TokenBatch batch) {
    // Position t is scored against token t+1 (the shifted targets), the last position against
    // nothing (mask 0), as Hugging Face shifts the labels: slicing the logits to [:, :-1] instead
    // makes autograd allocate and zero a gradient as large as all the logits.
    NDArray logp = logits.logSoftmax(2);
    // log_softmax's backward needs its output, not the logits: free them now, not at the end of
    // the step (they are the largest activation: batch x length x vocabulary).
    logits.close();
    NDArray picked = logp.gather(batch.nextIds().expandDims(2), 2).squeeze(2);
    return picked.mul(batch.nextScored());
  }
}
