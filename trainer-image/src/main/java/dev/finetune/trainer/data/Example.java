/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

/**
 * One training or evaluation sequence: token ids, and for each position whether its token is a
 * target (predicted from the position before it and counted in the loss).
 *
 * @param line the 1-based JSONL line it came from
 * @param truncated whether maxLength cut tokens off
 */
public record Example(long line, long[] ids, boolean[] scored, boolean truncated) {
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
