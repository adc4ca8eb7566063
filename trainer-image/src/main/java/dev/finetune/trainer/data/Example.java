/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

/**
 * One training or evaluation sequence: token ids, and for each position whether its token is a
 * target (predicted from the position before it and counted in the loss).
 *
 * @param line the 1-based JSONL line it came from (a packed sequence: its first example's)
 * @param truncated whether maxLength cut tokens off
 * @param segments null for one example; for a packed sequence, per token the index of the example
 *     it belongs to (0, 1, ...): positions restart and attention stays within each
 */
public record Example(long line, long[] ids, boolean[] scored, boolean truncated, int[] segments) {
  public Example(long line, long[] ids, boolean[] scored, boolean truncated) {
    this(line, ids, scored, truncated, null);
  }

  public boolean packed() {
    return segments != null;
  }

  public int scoredCount() {
    int n = 0;
    for (boolean s : scored) {
      if (s) {
        n++;
      }
    }
    return n;
  }

  public int length() {
    return ids.length;
  }
}
