/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code dataset.packing}: examples packed into sequences of at most {@code maxLength} tokens by
 * best-fit decreasing (TRL's {@code bfd}): longest first, each into the open sequence with the
 * least room that still fits it, else into a new one. Each example keeps its own positions
 * (restarting at 0) and attends only to itself, so a packed sequence scores exactly the tokens, and
 * the losses, of its examples unpacked; only padding is saved.
 */
public final class SequencePacker {
  private SequencePacker() {}

  /** Packed sequences, in the order they were opened; examples are never split. */
  public static List<Example> pack(List<Example> examples, int maxLength) {
    List<Example> byLength = new ArrayList<>(examples);
    // Stable: equal lengths keep file order, so packing is deterministic.
    byLength.sort(Comparator.comparingInt(Example::length).reversed());
    List<List<Example>> bins = new ArrayList<>();
    List<Integer> used = new ArrayList<>();
    // Room left -> the bins with that much room (in opening order): best fit is a ceiling lookup.
    TreeMap<Integer, List<Integer>> byRoom = new TreeMap<>();
    for (Example e : byLength) {
      if (e.length() == 0) {
        continue;
      }
      var fit = byRoom.ceilingEntry(e.length());
      int bin;
      if (fit == null) {
        bin = bins.size();
        bins.add(new ArrayList<>());
        used.add(0);
      } else {
        bin = fit.getValue().remove(0);
        if (fit.getValue().isEmpty()) {
          byRoom.remove(fit.getKey());
        }
      }
      bins.get(bin).add(e);
      used.set(bin, used.get(bin) + e.length());
      int room = maxLength - used.get(bin);
      if (room > 0) {
        List<Integer> same = byRoom.computeIfAbsent(room, r -> new ArrayList<>());
        same.add(bin);
        same.sort(null);
      }
    }
    List<Example> out = new ArrayList<>();
    for (List<Example> bin : bins) {
      out.add(concat(bin));
    }
    return out;
  }

  private static Example concat(List<Example> parts) {
    int length = parts.stream().mapToInt(Example::length).sum();
    long[] ids = new long[length];
    boolean[] scored = new boolean[length];
    int[] segments = new int[length];
    int at = 0;
    boolean truncated = false;
    for (int s = 0; s < parts.size(); s++) {
      Example e = parts.get(s);
      if (e.scored()[0]) {
        // It would be predicted from the previous example's last token.
        throw new IllegalStateException("an example's first token is never a target");
      }
      System.arraycopy(e.ids(), 0, ids, at, e.length());
      System.arraycopy(e.scored(), 0, scored, at, e.length());
      java.util.Arrays.fill(segments, at, at + e.length(), s);
      at += e.length();
      truncated |= e.truncated();
    }
    return new Example(parts.get(0).line(), ids, scored, truncated, segments);
  }
}
