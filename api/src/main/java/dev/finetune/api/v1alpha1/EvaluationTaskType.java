/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/** The shape of an evaluation task's JSONL lines: lm-evaluation-harness's output types. */
public enum EvaluationTaskType {
  /** {@code {"context", "choices": [...], "answer": i}}: metrics acc, acc_norm. */
  @JsonProperty("multipleChoice")
  MULTIPLE_CHOICE("multipleChoice", List.of("acc", "acc_norm")),
  /** {@code {"context", "continuation"}}: metrics perplexity, acc (the continuation is greedy). */
  @JsonProperty("loglikelihood")
  LOGLIKELIHOOD("loglikelihood", List.of("perplexity", "acc")),
  /** {@code {"prompt", "expected"}}: greedy generation; metric exact_match. */
  @JsonProperty("generate")
  GENERATE("generate", List.of("exact_match"));

  private final String wireName;
  private final List<String> metrics;

  EvaluationTaskType(String wireName, List<String> metrics) {
    this.wireName = wireName;
    this.metrics = metrics;
  }

  public String wireName() {
    return wireName;
  }

  /** The metrics a task of this type reports, under lm-eval's names, the headline first. */
  public List<String> metrics() {
    return metrics;
  }

  public static Optional<EvaluationTaskType> byName(String name) {
    for (EvaluationTaskType t : values()) {
      if (t.wireName.equals(name) || t.name().equalsIgnoreCase(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
