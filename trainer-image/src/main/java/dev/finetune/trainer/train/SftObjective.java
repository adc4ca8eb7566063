/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Supervised fine-tuning: the next-token negative log-likelihood of the scored tokens (the
 * completion, the assistant's turns, or all of a text), averaged over the step's scored tokens as
 * transformers does with {@code num_items_in_batch}.
 */
public final class SftObjective implements Objective {
  @Override
  public long weight(Example example) {
    return example.scoredCount();
  }

  @Override
  public Set<String> statistics() {
    return Set.of();
  }

  @Override
  public BatchLoss forward(CausalLmBlock model, List<Example> examples, NDManager manager) {
    TokenBatch batch = TokenBatch.of(examples, manager);
    return new BatchLoss(
        CausalLmLoss.nllSum(model.logits(batch.ids(), batch.positions(), batch.segments()), batch),
        Map.of());
  }
}
