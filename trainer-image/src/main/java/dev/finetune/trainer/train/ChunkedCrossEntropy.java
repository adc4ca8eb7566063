/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.finetune.trainer.model.Scalars;
import java.util.function.Supplier;

/**
 * The SFT loss straight from the final hidden states and the LM head's weight, the logits made a
 * few rows at a time (Liger-Kernel's fused linear cross-entropy): no [tokens, vocabulary] array
 * ever exists, neither in the forward nor in the backward pass.
 *
 * <p>Why: through autograd the loss made several fresh [tokens, vocabulary] float32 arrays per step
 * (the log-softmax output, the gather's and the log-softmax's gradients: 262 MB each at 2048 ×
 * 32000). glibc does not reuse such freed blocks for libtorch's aligned requests, so every step
 * grew the heap and page-faulted them in anew.
 *
 * <p>How: only the scored positions are computed (the others have mask 0 and add nothing). With
 * gradient recording off, each chunk of rows computes its logits {@code h_c · Wᵀ} and their
 * log-softmax — the loss values are those of {@link CausalLmLoss} — and the logits' gradient {@code
 * G_c = exp(log-softmax) − onehot(target)}, from which the chunk's gradients follow: {@code G_c ·
 * W} for h_c and {@code G_cᵀ · h_c} for W (summed over the chunks). The one-hot is subtracted
 * inside G before the products, as autograd does: {@code P·W − W[t]} instead loses digits where the
 * head's rows share a large common component (measured on tiny-llama: 4e-4 of the largest entry off
 * a float64 reference, against 4e-6). What is returned has the summed NLL as its value and, through
 * a surrogate {@code S = Σ h ⊙ gH + Σ W ⊙ gW} (gH, gW constants) added as {@code S −
 * stopGradient(S)} (exactly 0), the gradients autograd would have given through the logits; the
 * caller's division by the step's weight reaches them as a factor. A tied embedding gets the head's
 * gradient and the embedding's summed, as through the logits.
 */
final class ChunkedCrossEntropy {
  /**
   * Elements of one chunk's logits (32 MB in float32): large enough for efficient matrix products,
   * small next to the [tokens, vocabulary] arrays it replaces. {@code -Dtrainer.loss.chunk=N}
   * changes it (for measurements).
   */
  static final long CHUNK_ELEMENTS = Long.getLong("trainer.loss.chunk", 1L << 23);

  /**
   * Chunks have a multiple of this many rows. libtorch's CPU matrix product {@code G · W} (a long
   * sum over the vocabulary) is less accurate for the rows of a block that is not a multiple of 4
   * or 8 (measured: the hidden states' gradient of tiny-llama off a float64 reference by 5e-4 of
   * its largest entry with chunks of 10 and 11 rows, or 7 and 4; 4e-6 — as through the logits —
   * with chunks of 8, 12 or 16 rows). So the caller keeps the path through the logits for a batch
   * with fewer scored positions.
   */
  static final long MIN_ROWS = 8;

  private ChunkedCrossEntropy() {}

  /** Whether the chunked loss may run: not turned off with {@code -Dtrainer.loss=eager}. */
  static boolean enabled() {
    return !"eager".equals(System.getProperty("trainer.loss"));
  }

  /** Rows per chunk for a vocabulary of {@code vocab}: {@link #CHUNK_ELEMENTS} / vocab, ≥ 1. */
  static long chunkRows(long vocab) {
    return Math.max(1, CHUNK_ELEMENTS / vocab);
  }

  /**
   * Σ −log softmax(h[t] · Wᵀ)[ids[t+1]] over the scored positions t (a scalar), differentiable with
   * respect to {@code hidden} and (where it requires a gradient) {@code weight}.
   *
   * @param hidden the final hidden states [B, T, H]
   * @param weight the LM head's weight [V, H]
   * @param rows rows of logits per chunk
   */
  static NDArray nllSum(NDArray hidden, NDArray weight, TokenBatch batch, long rows) {
    long width = hidden.getShape().get(2);
    NDArray scored = batch.nextScored().flatten().nonzero().squeeze(1);
    NDArray h = hidden.reshape(-1, width).get(scored);
    NDArray targets = batch.nextIds().flatten().get(scored);
    Chunks chunks = withoutGradients(() -> Chunks.of(h, weight, targets, rows));
    // Σ x ⊙ g as one dot product of the flattened arrays: its backward is the one product
    // upstream · g, where mul-then-sum also made (and summed) an array as large as x in the forward
    // pass — for a trained head that is [V, H] (GPT-2: 154 MB) every micro-batch.
    NDArray surrogate = inner(h, chunks.hiddenGradient());
    if (chunks.weightGradient() != null) {
      surrogate = surrogate.add(inner(weight, chunks.weightGradient()));
    }
    return surrogate.sub(surrogate.stopGradient()).add(chunks.nllSum());
  }

  /** Σ x ⊙ g, differentiable in x. */
  private static NDArray inner(NDArray x, NDArray g) {
    return x.flatten().dot(g.flatten());
  }

  /**
   * The loss and the gradients of the unscaled summed loss, chunk by chunk: constants for autograd.
   *
   * @param nllSum the summed negative log-likelihood
   * @param hiddenGradient {@code G · W} [M, H]
   * @param weightGradient {@code Gᵀ · h} [V, H], null when the weight is frozen (LoRA)
   */
  private record Chunks(NDArray nllSum, NDArray hiddenGradient, NDArray weightGradient) {
    static Chunks of(NDArray h, NDArray weight, NDArray targets, long rows) {
      long count = h.getShape().get(0);
      // Chunks of a multiple of MIN_ROWS rows, nearly equal: see MIN_ROWS.
      long size = roundUp(ceilDiv(count, ceilDiv(count, Math.max(rows, MIN_ROWS))), MIN_ROWS);
      boolean trainsWeight = weight.hasGradient();
      NDManager manager = h.getManager();
      NDArray weightT = weight.transpose();
      NDArray one = Scalars.of(manager, 1);
      NDArray zero = Scalars.of(manager, 0);
      NDArray rowIds = manager.arange(Math.min(size, count)).toType(DataType.INT64, false);
      NDList picked = new NDList();
      NDList hiddenParts = new NDList();
      NDArray weightGradient = null;
      for (long start = 0; start < count; start += size) {
        long end = Math.min(count, start + size);
        // The last chunk reaches back into the one before to keep a multiple of MIN_ROWS rows;
        // those rows' results are dropped (their gradient rows zeroed before Gᵀ · h).
        long from = count < MIN_ROWS ? start : Math.max(0, end - roundUp(end - start, MIN_ROWS));
        long overlap = start - from;
        NDIndex window = new NDIndex("{}:{}", from, end);
        NDArray hc = h.get(window);
        NDArray tc = targets.get(window);
        NDArray logits = hc.matMul(weightT);
        NDArray logp = logits.logSoftmax(1);
        // Freed at once: the next allocation of this size reuses the block.
        logits.close();
        NDIndex own = new NDIndex("{}:", overlap);
        picked.add(logp.gather(tc.expandDims(1), 1).get(own));
        // exp(log softmax): the probabilities as log_softmax's backward computes them (DJL has no
        // in-place exp; the log-probabilities go at once).
        NDArray gradient = logp.exp();
        logp.close();
        NDIndex atTargets = new NDIndex("{}, {}", rowIds.get(new NDIndex("0:{}", end - from)), tc);
        // In place (index_put_): G = P − onehot(target), no second [rows, vocabulary] array.
        gradient.set(atTargets, gradient.get(atTargets).subi(one));
        if (overlap > 0) {
          gradient.get(new NDIndex("0:{}", overlap)).muli(zero);
        }
        hiddenParts.add(gradient.matMul(weight).get(own));
        if (trainsWeight) {
          NDArray share = gradient.transpose().matMul(hc);
          if (weightGradient == null) {
            weightGradient = share;
          } else {
            weightGradient.addi(share);
            share.close();
          }
        }
        gradient.close();
      }
      NDArray nll = NDArrays.concat(picked).sum().neg();
      NDArray hiddenGradient = NDArrays.concat(hiddenParts);
      picked.close();
      hiddenParts.close();
      return new Chunks(nll, hiddenGradient, weightGradient);
    }

    private static long roundUp(long a, long multiple) {
      return ceilDiv(a, multiple) * multiple;
    }

    private static long ceilDiv(long a, long b) {
      return (a + b - 1) / b;
    }
  }

  private static <T> T withoutGradients(Supplier<T> body) {
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return body.get();
    } finally {
      JniUtils.setGradMode(was);
    }
  }
}
