/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import dev.finetune.trainer.TrainerException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * {@code dataset.validationSplit}: a fraction of the training file held out for validation, chosen
 * by the seed alone (as {@code datasets}' {@code train_test_split(test_size, seed)}: the held-out
 * count is rounded up), so a restarted or resumed run holds out the same examples and never trains
 * on them. Both parts keep file order.
 */
public final class ValidationSplit {
  /** The two parts. */
  public record Parts(List<Example> train, List<Example> validation) {}

  private ValidationSplit() {}

  public static Parts split(List<Example> examples, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw TrainerException.config(
          "validationSplit must be between 0 and 1 (got " + fraction + ")");
    }
    int held = (int) Math.ceil(fraction * examples.size());
    if (held >= examples.size()) {
      throw TrainerException.config(
          "validationSplit "
              + fraction
              + " of "
              + examples.size()
              + " examples leaves none to train on");
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      order.add(i);
    }
    // Its own generator: the training order draws from Random(seed + epoch).
    Collections.shuffle(order, new Random(seed ^ 0x5EED_5E7L));
    boolean[] heldOut = new boolean[examples.size()];
    for (int i = 0; i < held; i++) {
      heldOut[order.get(i)] = true;
    }
    List<Example> train = new ArrayList<>();
    List<Example> validation = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      (heldOut[i] ? validation : train).add(examples.get(i));
    }
    return new Parts(List.copyOf(train), List.copyOf(validation));
  }
}
