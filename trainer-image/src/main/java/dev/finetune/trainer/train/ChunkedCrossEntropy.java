/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import dev.finetune.trainer.model.TorchScriptModule;
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
 * gradient recording off, each chunk of rows computes its logits {@code h_c · Wᵀ} and their softmax
 * P_c — the loss values, log P_c at the targets, are those of {@link CausalLmLoss} — and the
 * logits' gradient {@code G_c = P_c − onehot(target)}, from which the chunk's gradients follow:
 * {@code G_c · W} for h_c and {@code G_cᵀ · h_c} for W (summed over the chunks). The one-hot is
 * subtracted inside G before the products, as autograd does: {@code P·W − W[t]} instead loses
 * digits where the head's rows share a large common component (measured on tiny-llama: 4e-4 of the
 * largest entry off a float64 reference, against 4e-6). What is returned has the summed NLL as its
 * value and, through a surrogate {@code S = Σ h ⊙ gH + Σ W ⊙ gW} (gH, gW constants) added as {@code
 * S − stopGradient(S)} (exactly 0), the gradients autograd would have given through the logits; the
 * caller's division by the step's weight reaches them as a factor. A tied embedding gets the head's
 * gradient and the embedding's summed, as through the logits.
 */
final class ChunkedCrossEntropy {
  /**
   * Elements of one chunk's logits (128 MB in float32), unless that leaves fewer than {@link
   * #MIN_CHUNK_ROWS} rows: small next to the [tokens, vocabulary] arrays it replaces. {@code
   * -Dtrainer.loss.chunk=N} changes it (for measurements).
   */
  static final long CHUNK_ELEMENTS = Long.getLong("trainer.loss.chunk", 1L << 25);

  /**
   * Chunks have at least this many rows where there are as many: the products with the head's
   * weight lose speed below (measured on the CPU, PyTorch 2.13 in Python, 2 threads, this chunk
   * loop with the two backward products: long shape [2048 rows, vocabulary 32000, hidden 256] 802
   * ms in chunks of 128 rows, 751 of 256, 707 of 512, 677 of 1024; Qwen2.5-0.5B head [512, 151936,
   * 896] 2,161 / 1,877 / 1,798 ms at 128 / 256 / 512 rows).
   */
  static final long MIN_CHUNK_ROWS = 512;

  /**
   * Chunks have a multiple of this many rows. libtorch's CPU matrix product {@code G · W} (a long
   * sum over the vocabulary) is less accurate for the rows of a block that is not a multiple of 4
   * or 8 (measured: the hidden states' gradient of tiny-llama off a float64 reference by 5e-4 of
   * its largest entry with chunks of 10 and 11 rows, or 7 and 4; 4e-6 — as through the logits —
   * with chunks of 8, 12 or 16 rows). So the caller keeps the path through the logits for a batch
   * with fewer scored positions.
   */
  static final long MIN_ROWS = 8;

  /**
   * The chunk loop, one module call per micro-batch (DJL binds neither the out= products nor the
   * in-place softmax): one [rows, vocabulary] buffer for every chunk, made and reused in place —
   * the logits ({@code mm} into it), their softmax (written over them: the kernel reads each row
   * before it writes it; one pass fewer than log-softmax then {@code exp_}, measured 18 ms of 195
   * on tiny-gpt2's loss) and G (the one-hot subtracted at the targets). The loss values are the
   * logarithms of the targets' probabilities; where one is below float32's smallest normal number
   * (a loss above 87 nats for that token: its logarithm would lose digits or be infinite) the
   * chunk's log-softmax is computed again from its logits; the hidden states' gradient written into
   * its rows of the caller's array, the weight's accumulated into the caller's zeros with {@code
   * addmm_}. The last chunk reaches back into the one before to keep a multiple of {@code min_rows}
   * rows; those rows' results are dropped (their G rows zeroed before Gᵀ · h).
   */
  static final String METHODS =
      """
        def forward(self: __torch__.ChunkedLoss,
            h: Tensor,
            weight: Tensor,
            targets: Tensor,
            hidden_grad: Tensor,
            weight_grad: Tensor,
            size: int,
            min_rows: int,
            train_weight: bool) -> Tensor:
          count = torch.size(h, 0)
          weight_t = torch.t(weight)
          buffer = torch.new_empty(h, [min(size, count), torch.size(weight, 0)])
          picked = annotate(List[Tensor], [])
          start = 0
          while start < count:
            end = min(count, start + size)
            first = start
            if count >= min_rows:
              first = max(0, end - (end - start + min_rows - 1) // min_rows * min_rows)
            overlap = start - first
            hc = torch.slice(h, 0, first, end)
            tc = torch.unsqueeze(torch.slice(targets, 0, first, end), 1)
            g = torch.slice(buffer, 0, 0, end - first)
            torch.mm(hc, weight_t, out=g)
            torch._softmax(g, 1, False, out=g)
            p = torch.gather(g, 1, tc)
            logp = torch.log(p)
            if bool(torch.any(torch.lt(p, 1.1754943508222875e-38))):
              logp = torch.gather(torch.log_softmax(torch.mm(hc, weight_t), 1), 1, tc)
            picked.append(torch.slice(logp, 0, overlap))
            torch.scatter_(g, 1, tc, torch.sub(p, 1.))
            if overlap > 0:
              torch.zero_(torch.slice(g, 0, 0, overlap))
              torch.copy_(torch.slice(hidden_grad, 0, start, end), torch.slice(torch.mm(g, weight), 0, overlap))
            else:
              torch.mm(g, weight, out=torch.slice(hidden_grad, 0, start, end))
            if train_weight:
              torch.addmm_(weight_grad, torch.t(g), hc)
            start = end
          return torch.neg(torch.sum(torch.cat(picked)))
      """;

  private static final Supplier<PtSymbolBlock> MODULE =
      TorchScriptModule.lazy("ChunkedLoss", METHODS);

  private ChunkedCrossEntropy() {}

  /** Whether the chunked loss may run: not turned off with {@code -Dtrainer.loss=eager}. */
  static boolean enabled() {
    return !"eager".equals(System.getProperty("trainer.loss"));
  }

  /**
   * Rows per chunk for a vocabulary of {@code vocab}: {@link #CHUNK_ELEMENTS} / vocab, at least
   * {@link #MIN_CHUNK_ROWS}.
   */
  static long chunkRows(long vocab) {
    return Math.max(MIN_CHUNK_ROWS, CHUNK_ELEMENTS / vocab);
  }

  /**
   * Σ −log softmax(h[t] · Wᵀ)[ids[t+1]] over the scored positions t (a scalar), differentiable with
   * respect to {@code hidden} and (where it requires a gradient) {@code weight}.
   *
   * @param hidden the final hidden states [B, T, H]
   * @param weight the LM head's weight [V, H]
   * @param rows rows of logits per chunk (any ≥ 1: rounded to nearly equal chunks of a multiple of
   *     {@link #MIN_ROWS})
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
  record Chunks(NDArray nllSum, NDArray hiddenGradient, NDArray weightGradient) {
    static Chunks of(NDArray h, NDArray weight, NDArray targets, long rows) {
      long count = h.getShape().get(0);
      // Nearly equal chunks of a multiple of MIN_ROWS rows: see MIN_ROWS.
      long size = roundUp(ceilDiv(count, ceilDiv(count, Math.max(rows, MIN_ROWS))), MIN_ROWS);
      boolean trainsWeight = weight.hasGradient();
      NDManager manager = h.getManager();
      // The gradients are made here and filled in place by the module: DJL runs module methods in
      // inference mode, whose own tensors autograd may not save (the surrogate's backward saves
      // these).
      NDArray hiddenGradient = manager.create(h.getShape(), h.getDataType());
      NDArray weightGradient =
          trainsWeight ? manager.zeros(weight.getShape(), weight.getDataType()) : null;
      try (IValue nll =
          TorchScriptModule.call(
              MODULE.get(),
              "forward",
              IValue.from((PtNDArray) h),
              IValue.from((PtNDArray) weight),
              IValue.from((PtNDArray) targets),
              IValue.from((PtNDArray) hiddenGradient),
              IValue.from((PtNDArray) (trainsWeight ? weightGradient : hiddenGradient)),
              IValue.from(size),
              IValue.from(MIN_ROWS),
              IValue.from(trainsWeight))) {
        return new Chunks(nll.toTensor((PtNDManager) manager), hiddenGradient, weightGradient);
      }
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
