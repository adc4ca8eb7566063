/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
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
    NDArray hidden = model.hiddenStates(batch.ids(), batch.positions(), batch.segments());
    NDArray sum =
        chunked(model, batch)
            ? ChunkedCrossEntropy.nllSum(
                hidden,
                model.headWeight(),
                batch,
                ChunkedCrossEntropy.chunkRows(model.config().vocabSize()))
            : CausalLmLoss.nllSum(model.head(hidden), batch);
    return new BatchLoss(sum, Map.of());
  }

  /**
   * The chunked loss where it pays and gives the same numbers: a training pass (gradients recorded;
   * evaluation needs no gradients, so no [tokens, vocabulary] gradient arrays either) with a plain
   * float32 head (float16 products and soft-capped logits keep the path through the logits), and at
   * least one scored token.
   */
  private static boolean chunked(CausalLmBlock model, TokenBatch batch) {
    return ChunkedCrossEntropy.enabled()
        // At least MIN_ROWS scored positions (an example's first token, if scored, has none).
        && batch.scoredCount() >= ChunkedCrossEntropy.MIN_ROWS + batch.ids().getShape().get(0)
        && JniUtils.isGradMode()
        && model.plainHead();
  }
}
