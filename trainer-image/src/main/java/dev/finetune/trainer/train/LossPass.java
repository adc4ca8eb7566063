/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The objective's forward pass of one micro-batch, up to the array the backward pass starts from.
 *
 * <p>Every intermediate array's handle is released before the backward pass, in a scope of its own:
 * autograd holds what it needs (its saved tensors) by reference and drops each as the backward pass
 * goes past it, as PyTorch in Python does once a step's locals go. A DJL handle kept until the end
 * of the step would keep every activation alive through the whole backward pass, on top of the
 * gradients it produces.
 *
 * @param root what the backward pass starts from (the caller closes it after the backward pass)
 * @param sum the micro-batch's summed loss, read before the handles go
 * @param statistics the objective's statistics, summed over the micro-batch, read likewise
 */
record LossPass(NDArray root, double sum, Map<String, Double> statistics) implements AutoCloseable {

  /**
   * @param toRoot turns the summed loss into the backward pass's start: its share of the step's
   *     mean (times the loss scale under float16)
   */
  static LossPass forward(
      Objective objective,
      CausalLmBlock model,
      List<Example> examples,
      NDManager manager,
      UnaryOperator<NDArray> toRoot) {
    try (NDScope pass = new NDScope()) {
      pass.suppressNotUsedWarning();
      Objective.BatchLoss loss = objective.forward(model, examples, manager);
      double value = loss.sum().getFloat();
      Map<String, Double> statistics = new LinkedHashMap<>();
      loss.statistics().forEach((name, array) -> statistics.put(name, (double) array.getFloat()));
      NDArray root = toRoot.apply(loss.sum());
      NDScope.unregister(root);
      return new LossPass(root, value, statistics);
    }
  }

  @Override
  public void close() {
    root.close();
  }
}
