/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Token-weighted mean loss over a whole file (SEMANTICS.md section 4), without gradients. */
public final class Evaluator {
  /** The mean loss and the number of scored tokens it is over. */
  public record Score(double loss, long tokens) {}

  private final int batchSize;

  public Evaluator(int batchSize) {
    this.batchSize = batchSize;
  }

  public Score evaluate(CausalLmBlock model, List<Example> examples, NDManager parent) {
    GradMode.offOnThisThread();
    // Similar lengths together: less padding, same result.
    List<Example> sorted = new ArrayList<>(examples);
    sorted.removeIf(e -> e.scoredCount() == 0);
    sorted.sort(Comparator.comparingInt(Example::length));
    double sum = 0;
    long count = 0;
    for (int i = 0; i < sorted.size(); i += batchSize) {
      List<Example> chunk = sorted.subList(i, Math.min(sorted.size(), i + batchSize));
      try (NDManager step = parent.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        TokenBatch batch = TokenBatch.of(chunk, step);
        sum +=
            CausalLmLoss.nllSum(
                    model.logits(batch.ids(), batch.positions(), batch.segments()), batch)
                .getFloat();
        count += batch.scoredCount();
      }
    }
    return new Score(count == 0 ? Double.NaN : sum / count, count);
  }
}
