/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import java.util.List;
import java.util.Map;

/**
 * A task's results: the metrics under lm-eval's names, and per example what they came from.
 *
 * @param metrics multipleChoice: acc, acc_stderr, acc_norm, acc_norm_stderr; loglikelihood:
 *     perplexity, acc, acc_stderr; generate: exact_match, exact_match_stderr. A {@code _stderr} is
 *     lm-eval's {@code mean_stderr} and is absent with a single example (lm-eval's "N/A"); the
 *     perplexity's (a bootstrap in lm-eval) is not computed
 * @param logLikelihoods multipleChoice: per example, per choice, log p(choice | context);
 *     loglikelihood: per example one value, log p(continuation | context); generate: empty
 * @param greedy loglikelihood: per example, whether the continuation is the greedy one; else empty
 * @param generations generate: per example the generation as compared (cut at the stop sequences);
 *     else empty
 */
public record TaskResult(
    EvaluationTaskType type,
    int samples,
    Map<String, Double> metrics,
    List<double[]> logLikelihoods,
    List<Boolean> greedy,
    List<String> generations) {
  public TaskResult {
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    logLikelihoods = List.copyOf(logLikelihoods);
    greedy = List.copyOf(greedy);
    generations = List.copyOf(generations);
  }

  /**
   * One JSON object: {@code task_type}, {@code samples}, the metrics at the top level, then
   * multipleChoice: {@code loglikelihoods} (a list per example); loglikelihood: {@code
   * loglikelihoods} (one number per example) and {@code is_greedy}; generate: {@code generations}.
   */
  public ObjectNode toJson() {
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("task_type", type.wireName());
    json.put("samples", samples);
    metrics.forEach(json::put);
    switch (type) {
      case MULTIPLE_CHOICE -> {
        ArrayNode all = json.putArray("loglikelihoods");
        for (double[] perChoice : logLikelihoods) {
          ArrayNode row = all.addArray();
          for (double ll : perChoice) {
            row.add(ll);
          }
        }
      }
      case LOGLIKELIHOOD -> {
        ArrayNode all = json.putArray("loglikelihoods");
        logLikelihoods.forEach(ll -> all.add(ll[0]));
        ArrayNode flags = json.putArray("is_greedy");
        greedy.forEach(flags::add);
      }
      case GENERATE -> {
        ArrayNode all = json.putArray("generations");
        generations.forEach(all::add);
      }
    }
    return json;
  }
}
