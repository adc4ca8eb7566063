/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The dtype a forward pass computes its matrix products in, as {@code torch.autocast} chooses it:
 * with {@link #FLOAT16} the linear layers, the attention products and the LM head take float16
 * inputs (and give float16 outputs), while norms, softmax, the residual stream and the loss stay in
 * float32. Weights keep their own dtype and are cast where they are used, so gradients reach
 * float32 master weights as float32.
 *
 * <p>DJL's {@code toType} runs without autograd (its JNI call holds a no-grad guard), so a cast
 * inside a differentiable pass is written with two operations autograd does follow: narrowing is an
 * in-place copy into an empty float16 tensor ({@code copy_}, whose backward casts the gradient
 * back), widening is a product with a one-element float32 tensor (type promotion).
 */
public enum Precision {
  FLOAT32,
  FLOAT16;

  private static final NDIndex ALL = new NDIndex("...");

  /** {@code x} in the dtype of matrix products: float16 under {@link #FLOAT16}, else as is. */
  public NDArray compute(NDArray x) {
    if (this == FLOAT32 || x.getDataType() == DataType.FLOAT16) {
      return x;
    }
    NDArray half = x.getManager().create(x.getShape(), DataType.FLOAT16);
    half.set(ALL, x);
    return half;
  }

  /** {@code x} in float32 (a no-op for float32 arrays). */
  public static NDArray widen(NDArray x) {
    if (x.getDataType() == DataType.FLOAT32) {
      return x;
    }
    try (NDArray one = x.getManager().ones(new Shape(1))) {
      return x.mul(one);
    }
  }
}
