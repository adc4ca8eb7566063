/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import java.util.List;

/**
 * How a task is run.
 *
 * @param batchSize sequences per forward pass; does not change the results
 * @param maxNewTokens generate: tokens to generate at most (lm-eval's {@code max_gen_toks}, whose
 *     default is 256); the prompt keeps its last (model length − this) tokens, as lm-eval cuts it
 * @param until generate: stop sequences; the generation is cut at the first of each, in order, and
 *     the EOS token's text is added, as lm-eval does. lm-eval's default for a task without {@code
 *     generation_kwargs} is its fewshot delimiter, a blank line ("\n\n")
 * @param maxLength tokens the model reads at most (lm-eval's {@code max_length}); 0: the model's
 *     {@code n_positions} or {@code max_position_embeddings}, as lm-eval reads it from the config
 * @param maxBatchTokens a forward pass holds fewer sequences when rows × (padded) length would pass
 *     this (at least one): its logits are rows × length × vocabulary floats. Does not change the
 *     results
 */
public record TaskOptions(
    int batchSize, int maxNewTokens, List<String> until, int maxLength, int maxBatchTokens) {
  /** Tokens per forward pass: 4096 × a 128k vocabulary is 2 GiB of float32 logits. */
  public static final int DEFAULT_MAX_BATCH_TOKENS = 4096;

  /** lm-eval's {@code max_gen_toks} default. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 256;

  /** lm-eval's default stop sequence: its fewshot delimiter. */
  public static final List<String> DEFAULT_UNTIL = List.of("\n\n");

  public TaskOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1");
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be at least 1");
    }
    if (maxBatchTokens < 1) {
      throw new IllegalArgumentException("maxBatchTokens must be at least 1");
    }
    until = List.copyOf(until);
  }

  public static TaskOptions defaults() {
    return new TaskOptions(8, DEFAULT_MAX_NEW_TOKENS, DEFAULT_UNTIL, 0, DEFAULT_MAX_BATCH_TOKENS);
  }

  public TaskOptions withBatchSize(int n) {
    return new TaskOptions(n, maxNewTokens, until, maxLength, maxBatchTokens);
  }

  public TaskOptions withMaxNewTokens(int n) {
    return new TaskOptions(batchSize, n, until, maxLength, maxBatchTokens);
  }

  public TaskOptions withUntil(List<String> stops) {
    return new TaskOptions(batchSize, maxNewTokens, stops, maxLength, maxBatchTokens);
  }

  public TaskOptions withMaxLength(int n) {
    return new TaskOptions(batchSize, maxNewTokens, until, n, maxBatchTokens);
  }

  public TaskOptions withMaxBatchTokens(int n) {
    return new TaskOptions(batchSize, maxNewTokens, until, maxLength, n);
  }
}
