/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.api.protocol.MetricNames;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a run optimises, one micro-batch at a time: Hugging Face Trainer's {@code compute_loss},
 * which TRL's DPOTrainer overrides. The training loop, the data-parallel replicas and evaluation
 * (as {@code prediction_step} does) all call it, so a new objective is one class beside the one
 * loop.
 *
 * <p>A step's loss is a weighted mean over its examples: each micro-batch returns its loss summed
 * with the weights of {@link #weight}, and the loop divides every micro-batch's sum by the whole
 * step's weight, so the summed gradients are those of the step's mean.
 */
public interface Objective {
  /**
   * How much {@code example} counts in a step's mean: its scored tokens for SFT, one per pair for a
   * preference objective. An example of weight 0 has nothing to learn and is left out.
   */
  long weight(Example example);

  /**
   * The names of the statistics {@link #forward} returns (none for SFT): with the loss and the
   * tokens, what an evaluation reports.
   */
  Set<String> statistics();

  /** What an evaluation with this objective reports, by metric name ({@code eval_…}). */
  default Set<String> evaluationMetrics() {
    return evaluationMetrics(statistics());
  }

  /** What an evaluation reports for an objective with {@code statistics}. */
  static Set<String> evaluationMetrics(Set<String> statistics) {
    Set<String> names = new TreeSet<>();
    names.add(MetricNames.EVAL_LOSS);
    names.add(MetricNames.EVAL_TOKENS);
    statistics.forEach(s -> names.add(MetricNames.EVAL_PREFIX + s));
    return names;
  }

  /** The forward pass of one micro-batch, its arrays on {@code manager}. */
  BatchLoss forward(CausalLmBlock model, List<Example> examples, NDManager manager);

  /**
   * @param sum the loss summed over the micro-batch with {@link #weight}'s weights (a scalar the
   *     backward pass starts from, once divided)
   * @param statistics what the objective logs besides the loss, each summed the same way (the step
   *     reports sum / weight), under Hugging Face's metric names; empty for SFT
   */
  record BatchLoss(NDArray sum, Map<String, NDArray> statistics) {}
}
