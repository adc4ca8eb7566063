/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Continues prompts one token at a time, several prompts per forward pass: each row is padded on
 * the right and its next token is read at its own last position (under causal attention the padding
 * after it changes nothing). There is no KV cache: every step runs the whole sequences. A row stops
 * at an end-of-sequence token (kept in its output), after {@code maxNew} new tokens, at the model's
 * last position, or when {@code stop} says so of its new tokens.
 */
public final class Decoding {
  /** Picks each row's next token from its logits at its last position, {@code [rows, vocab]}. */
  @FunctionalInterface
  public interface NextToken {
    long[] pick(NDArray lastLogits);
  }

  /** Greedy: the highest logit (the first one on a tie, as torch's argmax). */
  public static final NextToken GREEDY = last -> last.argMax(1).toLongArray();

  private Decoding() {}

  /**
   * The new tokens of each prompt (the prompt left out), in the prompts' order.
   *
   * @param prompts each at least one token
   * @param stop tested on a row's new tokens after each step; true ends the row
   */
  public static List<long[]> continueAll(
      CausalLmBlock model,
      List<long[]> prompts,
      int maxNew,
      NextToken next,
      Set<Long> eos,
      Predicate<long[]> stop,
      int batchSize,
      NDManager manager) {
    JniUtils.setGradMode(false);
    List<long[]> out = new ArrayList<>(prompts.size());
    for (int from = 0; from < prompts.size(); from += batchSize) {
      out.addAll(
          continueBatch(
              model,
              prompts.subList(from, Math.min(prompts.size(), from + batchSize)),
              maxNew,
              next,
              eos,
              stop,
              manager));
    }
    return out;
  }

  private static List<long[]> continueBatch(
      CausalLmBlock model,
      List<long[]> prompts,
      int maxNew,
      NextToken next,
      Set<Long> eos,
      Predicate<long[]> stop,
      NDManager manager) {
    int rows = prompts.size();
    int maxPositions = model.config().maxPositions();
    long[][] seqs = new long[rows][];
    int[] starts = new int[rows];
    boolean[] done = new boolean[rows];
    for (int r = 0; r < rows; r++) {
      seqs[r] = prompts.get(r);
      starts[r] = seqs[r].length;
      done[r] = maxNew <= 0 || seqs[r].length >= maxPositions;
    }
    while (true) {
      List<Integer> active = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        if (!done[r]) {
          active.add(r);
        }
      }
      if (active.isEmpty()) {
        break;
      }
      int width = active.stream().mapToInt(r -> seqs[r].length).max().orElseThrow();
      long[] ids = new long[active.size() * width];
      for (int a = 0; a < active.size(); a++) {
        long[] s = seqs[active.get(a)];
        System.arraycopy(s, 0, ids, a * width, s.length);
      }
      long[] picked;
      try (NDManager step = manager.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray logits = model.logits(step.create(ids, new Shape(active.size(), width)));
        NDList last = new NDList(active.size());
        for (int a = 0; a < active.size(); a++) {
          last.add(logits.get(a + ", " + (seqs[active.get(a)].length - 1) + ", :"));
        }
        picked = next.pick(NDArrays.stack(last));
      }
      for (int a = 0; a < active.size(); a++) {
        int r = active.get(a);
        long[] s = Arrays.copyOf(seqs[r], seqs[r].length + 1);
        s[s.length - 1] = picked[a];
        seqs[r] = s;
        long[] fresh = Arrays.copyOfRange(s, starts[r], s.length);
        done[r] =
            eos.contains(picked[a])
                || fresh.length >= maxNew
                || s.length >= maxPositions
                || stop.test(fresh);
      }
    }
    List<long[]> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      out.add(Arrays.copyOfRange(seqs[r], starts[r], seqs[r].length));
    }
    return out;
  }
}
