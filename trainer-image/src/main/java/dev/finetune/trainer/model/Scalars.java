/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * 0-d float32 constants made in native memory. Use these instead of DJL's {@code op(Number)}: that
 * wraps the number in a tensor over a Java direct buffer and closes it right after the op. In a
 * differentiable expression autograd keeps that tensor for the backward pass, and once the garbage
 * collector frees the buffer the backward pass reads freed memory — seen here as NaN gradients in
 * one run out of three or four, at random steps.
 */
public final class Scalars {
  private Scalars() {}

  public static NDArray of(NDManager manager, double value) {
    return manager.full(new Shape(), (float) value);
  }
}
