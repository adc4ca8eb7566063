/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.finetune.trainer.data.Example;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Examples padded on the right to the longest one, with the targets of next-token prediction:
 * {@code nextIds[t] = ids[t+1]} and {@code nextScored[t] = scored[t+1]}, 0 at the last position
 * (which predicts nothing). With causal attention a pad token only ever sits after the real tokens,
 * so it changes no logit of theirs, and the mask leaves it out of the loss: a padded batch scores
 * exactly what one-sequence-at-a-time passes would. A batch with packed sequences also has the
 * position of each token within its example and its example's index (padding: −1), which the model
 * turns into restarting positions and a block-diagonal causal mask; otherwise both are null.
 */
public record TokenBatch(
    NDArray ids,
    NDArray scored,
    NDArray nextIds,
    NDArray nextScored,
    int scoredCount,
    long tokens,
    NDArray positions,
    NDArray segments) {
  /** Reused staging buffer: no direct buffer per batch waiting for the garbage collector. */
  private static final ThreadLocal<ByteBuffer> STAGING =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));

  /** A native copy of {@code values}, staged through the reused direct buffer. */
  static NDArray nativeCopy(NDManager manager, long[] values, Shape shape) {
    ByteBuffer staging = staging(values.length * 8);
    staging.asLongBuffer().put(values);
    try (NDArray view = manager.create(staging, shape, DataType.INT64)) {
      return view.duplicate();
    }
  }

  static NDArray nativeCopy(NDManager manager, float[] values, Shape shape) {
    ByteBuffer staging = staging(values.length * 4);
    staging.asFloatBuffer().put(values);
    try (NDArray view = manager.create(staging, shape, DataType.FLOAT32)) {
      return view.duplicate();
    }
  }

  private static ByteBuffer staging(int bytes) {
    ByteBuffer buffer = STAGING.get();
    if (buffer.capacity() < bytes) {
      buffer =
          ByteBuffer.allocateDirect(Math.max(bytes, 2 * buffer.capacity()))
              .order(ByteOrder.nativeOrder());
      STAGING.set(buffer);
    }
    buffer.clear();
    buffer.limit(bytes);
    return buffer.order(ByteOrder.nativeOrder());
  }

  public static TokenBatch of(List<Example> examples, NDManager manager) {
    int rows = examples.size();
    int width = examples.stream().mapToInt(e -> e.ids().length).max().orElse(0);
    long[] ids = new long[rows * width];
    float[] scored = new float[rows * width];
    int count = 0;
    long tokens = 0;
    for (int r = 0; r < rows; r++) {
      Example e = examples.get(r);
      System.arraycopy(e.ids(), 0, ids, r * width, e.ids().length);
      for (int t = 0; t < e.ids().length; t++) {
        if (e.scored()[t]) {
          scored[r * width + t] = 1f;
          count++;
        }
      }
      tokens += e.ids().length;
    }
    long[] nextIds = new long[rows * width];
    float[] nextScored = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(ids, r * width + 1, nextIds, r * width, width - 1);
      System.arraycopy(scored, r * width + 1, nextScored, r * width, width - 1);
    }
    Shape shape = new Shape(rows, width);
    NDArray positions = null;
    NDArray segments = null;
    if (examples.stream().anyMatch(Example::packed)) {
      long[] pos = new long[rows * width];
      long[] seg = new long[rows * width];
      java.util.Arrays.fill(seg, -1);
      for (int r = 0; r < rows; r++) {
        Example e = examples.get(r);
        for (int t = 0; t < e.length(); t++) {
          int s = e.packed() ? e.segments()[t] : 0;
          boolean starts = t == 0 || (e.packed() && e.segments()[t - 1] != s);
          pos[r * width + t] = starts ? 0 : pos[r * width + t - 1] + 1;
          seg[r * width + t] = s;
        }
      }
      positions = nativeCopy(manager, pos, shape);
      segments = nativeCopy(manager, seg, shape);
    }
    return new TokenBatch(
        nativeCopy(manager, ids, shape),
        nativeCopy(manager, scored, shape),
        nativeCopy(manager, nextIds, shape),
        nativeCopy(manager, nextScored, shape),
        count,
        tokens,
        positions,
        segments);
  }
}
