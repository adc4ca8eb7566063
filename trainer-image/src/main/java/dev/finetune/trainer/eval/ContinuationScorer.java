/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * log p(continuation | context) and whether the continuation is the greedy one, for many requests
 * in padded batches, as lm-eval's {@code _loglikelihood_tokens} computes them: context +
 * continuation cut from the left to the model's length + 1 tokens, the last one dropped, the
 * continuation's tokens scored from the positions before them. Right padding changes no real
 * token's logits under causal attention, so batching does not change a result; identical requests
 * are computed once, so equal choices tie exactly.
 */
final class ContinuationScorer {
  /** The summed log-probability and lm-eval's {@code is_greedy}. */
  record Score(double logLikelihood, boolean greedy) {}

  private ContinuationScorer() {}

  /**
   * @param requests each {context tokens, continuation tokens}; the context is not empty, the
   *     continuation not empty and at most {@code maxLength} tokens
   * @param batchSize rows per forward pass at most
   * @param maxBatchTokens fewer rows when rows × width would pass this (at least one row)
   */
  static Score[] score(
      CausalLmBlock model,
      List<LmEvalTokenizer.Pair> requests,
      int maxLength,
      int batchSize,
      int maxBatchTokens,
      NDManager manager) {
    // Grad mode is per thread: a caller's thread other than the engine's would record graphs.
    JniUtils.setGradMode(false);
    Map<String, Integer> unique = new HashMap<>();
    List<long[]> windows = new ArrayList<>();
    List<Integer> contLengths = new ArrayList<>();
    int[] slot = new int[requests.size()];
    for (int i = 0; i < requests.size(); i++) {
      LmEvalTokenizer.Pair r = requests.get(i);
      long[] all = new long[r.context().length + r.continuation().length];
      System.arraycopy(r.context(), 0, all, 0, r.context().length);
      System.arraycopy(r.continuation(), 0, all, r.context().length, r.continuation().length);
      long[] window =
          Arrays.copyOfRange(all, Math.max(0, all.length - (maxLength + 1)), all.length);
      int contLength = r.continuation().length;
      String key = contLength + ":" + Arrays.toString(window);
      Integer at = unique.get(key);
      if (at == null) {
        at = windows.size();
        unique.put(key, at);
        windows.add(window);
        contLengths.add(contLength);
      }
      slot[i] = at;
    }
    Score[] scores = new Score[windows.size()];
    // Longest first, as lm-eval orders them: similar lengths share a batch, less padding.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt((Integer i) -> -windows.get(i).length));
    for (int from = 0; from < order.size(); ) {
      // The first is the longest: its length is the batch's width.
      int width = Math.max(1, windows.get(order.get(from)).length - 1);
      int rows = Math.max(1, Math.min(batchSize, maxBatchTokens / width));
      List<Integer> chunk = order.subList(from, Math.min(order.size(), from + rows));
      scoreBatch(model, chunk, windows, contLengths, scores, manager);
      from += chunk.size();
    }
    Score[] result = new Score[requests.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = scores[slot[i]];
    }
    return result;
  }

  private static void scoreBatch(
      CausalLmBlock model,
      List<Integer> chunk,
      List<long[]> windows,
      List<Integer> contLengths,
      Score[] scores,
      NDManager manager) {
    int rows = chunk.size();
    int width = chunk.stream().mapToInt(i -> windows.get(i).length - 1).max().orElse(0);
    // Only the positions that predict a continuation token are normalised: per row the last
    // `span` positions of its input (right-aligned; a shorter continuation leaves the first ones
    // unscored).
    int span = chunk.stream().mapToInt(contLengths::get).max().orElse(0);
    long[] inputs = new long[rows * width];
    long[] positions = new long[rows * span];
    long[] targets = new long[rows * span];
    for (int r = 0; r < rows; r++) {
      long[] w = windows.get(chunk.get(r));
      int inputLength = w.length - 1;
      System.arraycopy(w, 0, inputs, r * width, inputLength);
      for (int j = 0; j < span; j++) {
        int t = inputLength - span + j;
        positions[r * span + j] = Math.max(t, 0);
        targets[r * span + j] = t >= 0 ? w[t + 1] : 0;
      }
    }
    float[] logProbs;
    long[] greedy;
    try (NDManager step = manager.newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray logits = model.logits(step.create(inputs, new Shape(rows, width)));
      long vocab = logits.getShape().get(2);
      NDArray at =
          step.create(positions, new Shape(rows, span, 1)).broadcast(new Shape(rows, span, vocab));
      NDArray picked = logits.gather(at, 1);
      logits.close();
      if (picked.getDataType() != DataType.FLOAT32) {
        picked = picked.toType(DataType.FLOAT32, false);
      }
      NDArray logp = picked.logSoftmax(2);
      logProbs =
          logp.gather(step.create(targets, new Shape(rows, span)).expandDims(2), 2)
              .squeeze(2)
              .toFloatArray();
      greedy = logp.argMax(2).toLongArray();
    }
    for (int r = 0; r < rows; r++) {
      int index = chunk.get(r);
      int contLength = contLengths.get(index);
      double sum = 0;
      boolean isGreedy = true;
      for (int j = span - contLength; j < span; j++) {
        sum += logProbs[r * span + j];
        isGreedy &= greedy[r * span + j] == targets[r * span + j];
      }
      scores[index] = new Score(sum, isGreedy);
    }
  }
}
