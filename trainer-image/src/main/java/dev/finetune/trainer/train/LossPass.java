/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.function.Function;

/**
 * The forward pass and loss of one micro-batch, up to the array the backward pass starts from.
 *
 * <p>Every intermediate array's handle is released before the backward pass, in a scope of its own:
 * autograd holds what it needs (its saved tensors) by reference and drops each as the backward pass
 * goes past it, as PyTorch in Python does once a step's locals go. A DJL handle kept until the end
 * of the step would keep every activation alive through the whole backward pass, on top of the
 * gradients it produces.
 *
 * @param root what the backward pass starts from (the caller closes it after the backward pass)
 * @param nll the micro-batch's summed negative log-likelihood, read before the handles go
 */
record LossPass(NDArray root, double nll) implements AutoCloseable {

  static LossPass forward(
      CausalLmBlock model, TokenBatch batch, Function<NDArray, NDArray> objective) {
    try (NDScope pass = new NDScope()) {
      pass.suppressNotUsedWarning();
      NDArray nll =
          CausalLmLoss.nllSum(
              model.logits(batch.ids(), batch.positions(), batch.segments()), batch);
      double value = nll.getFloat();
      NDArray root = objective.apply(nll);
      NDScope.unregister(root);
      return new LossPass(root, value);
    }
  }

  @Override
  public void close() {
    root.close();
  }
}
