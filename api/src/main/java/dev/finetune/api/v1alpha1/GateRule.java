/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The tuned model must beat the base by at least minDelta on one task's metric. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GateRule {
  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription(
      "A task's name from evaluation.tasks, or validation (the validation loss).")
  private String task;

  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription(
      "One of the task's metrics: acc or acc_norm (multipleChoice), perplexity or acc"
          + " (loglikelihood), exact_match (generate), loss (validation).")
  private String metric;

  @JsonPropertyDescription(
      "The least improvement of tuned over base, in the metric's better direction (higher acc,"
          + " lower perplexity or loss); negative allows that much regression. Default: 0.")
  private Double minDelta;

  public String getTask() {
    return task;
  }

  public void setTask(String task) {
    this.task = task;
  }

  public String getMetric() {
    return metric;
  }

  public void setMetric(String metric) {
    this.metric = metric;
  }

  public Double getMinDelta() {
    return minDelta;
  }

  public void setMinDelta(Double minDelta) {
    this.minDelta = minDelta;
  }
}
