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
 * @param rejected null for one sequence; for a preference pair (this example is then its prompt +
 *     chosen completion), the prompt + rejected completion. A pair's {@code scored} is TRL's
 *     completion mask: the completion's tokens, the first one too when the prompt is empty (nothing
 *     predicts it, so it is never in a log-probability, but IPO counts it)
 */
public record Example(
    long line, long[] ids, boolean[] scored, boolean truncated, int[] segments, Example rejected) {
  public Example(long line, long[] ids, boolean[] scored, boolean truncated) {
    this(line, ids, scored, truncated, null, null);
  }

  public Example(long line, long[] ids, boolean[] scored, boolean truncated, int[] segments) {
    this(line, ids, scored, truncated, segments, null);
  }

  /** A preference pair: this (prompt + chosen) and {@code rejected} (prompt + rejected). */
  public static Example pair(Example chosen, Example rejected) {
    return new Example(
        chosen.line,
        chosen.ids,
        chosen.scored,
        chosen.truncated || rejected.truncated,
        null,
        rejected);
  }

  public boolean isPair() {
    return rejected != null;
  }

  /** The prompt + chosen sequence alone, without its pair. */
  public Example chosen() {
    return new Example(line, ids, scored, truncated, null, null);
  }

  public boolean packed() {
    return segments != null;
  }

  /** Scored tokens; a pair's: both completions'. */
  public int scoredCount() {
    int n = rejected != null ? rejected.scoredCount() : 0;
    for (boolean s : scored) {
      if (s) {
        n++;
      }
    }
    return n;
  }

  /** Tokens of the longest sequence (a pair's two are padded to the same length in a batch). */
  public int length() {
    return rejected != null ? Math.max(ids.length, rejected.ids.length) : ids.length;
  }

  /** Tokens the model reads for it: a pair's two sequences together. */
  public long tokens() {
    return ids.length + (rejected != null ? rejected.ids.length : 0);
  }

  /** Sequences the model reads for it: two for a pair. */
  public int sequences() {
    return rejected != null ? 2 : 1;
  }
}
