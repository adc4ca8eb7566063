/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.finetune.api.protocol.MetricNames;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objective's mean loss over a whole file, without gradients: the same loss training optimises,
 * as Hugging Face's {@code prediction_step} calls {@code compute_loss} (for SFT the token-weighted
 * mean of SEMANTICS.md section 4).
 */
public final class Evaluator {
  /**
   * @param loss the objective's weighted mean loss
   * @param tokens the scored tokens it is over
   * @param statistics the objective's statistics, weighted means likewise
   */
  public record Score(double loss, long tokens, Map<String, Double> statistics) {
    /** Loss, tokens and statistics under their metric names (without the eval_ prefix). */
    public Map<String, Number> metrics() {
      Map<String, Number> metrics = new LinkedHashMap<>();
      metrics.put(MetricNames.LOSS, loss);
      metrics.put(MetricNames.TOKENS, tokens);
      metrics.putAll(statistics);
      return metrics;
    }
  }

  private final Objective objective;
  private final int batchSize;

  public Evaluator(Objective objective, int batchSize) {
    this.objective = objective;
    this.batchSize = batchSize;
  }

  public Score evaluate(CausalLmBlock model, List<Example> examples, NDManager parent) {
    GradMode.offOnThisThread();
    // Similar lengths together: less padding, same result.
    List<Example> sorted = new ArrayList<>(examples);
    sorted.removeIf(e -> objective.weight(e) == 0);
    sorted.sort(Comparator.comparingInt(Example::length));
    double sum = 0;
    long weight = 0;
    long tokens = 0;
    Map<String, Double> statistics = new LinkedHashMap<>();
    for (int i = 0; i < sorted.size(); i += batchSize) {
      List<Example> chunk = sorted.subList(i, Math.min(sorted.size(), i + batchSize));
      try (NDManager step = parent.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Objective.BatchLoss loss = objective.forward(model, chunk, step);
        sum += loss.sum().getFloat();
        loss.statistics()
            .forEach(
                (name, array) -> statistics.merge(name, (double) array.getFloat(), Double::sum));
      }
      weight += chunk.stream().mapToLong(objective::weight).sum();
      tokens += chunk.stream().mapToLong(Example::scoredCount).sum();
    }
    long total = weight;
    statistics.replaceAll((name, value) -> value / total);
    return new Score(weight == 0 ? Double.NaN : sum / weight, tokens, statistics);
  }
}
