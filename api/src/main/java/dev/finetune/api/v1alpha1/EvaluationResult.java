/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One metric of one task, for the base model and the tuned one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationResult {
  @JsonPropertyDescription("The task's name (validation: the validation loss).")
  private String task;

  @JsonPropertyDescription("The metric, under lm-evaluation-harness's name.")
  private String metric;

  @JsonPropertyDescription("The base model's value (before the first step).")
  private Double base;

  @JsonPropertyDescription("The tuned model's value (the output model).")
  private Double tuned;

  @JsonPropertyDescription("tuned - base.")
  private Double delta;

  public EvaluationResult() {}

  public EvaluationResult(String task, String metric, double base, double tuned) {
    this.task = task;
    this.metric = metric;
    this.base = base;
    this.tuned = tuned;
    this.delta = tuned - base;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvaluationResult r
        && Objects.equals(task, r.task)
        && Objects.equals(metric, r.metric)
        && Objects.equals(base, r.base)
        && Objects.equals(tuned, r.tuned)
        && Objects.equals(delta, r.delta);
  }

  @Override
  public int hashCode() {
    return Objects.hash(task, metric, base, tuned, delta);
  }

  @Override
  public String toString() {
    return task + " " + metric + ": base " + base + ", tuned " + tuned + ", delta " + delta;
  }

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

  public Double getBase() {
    return base;
  }

  public void setBase(Double base) {
    this.base = base;
  }

  public Double getTuned() {
    return tuned;
  }

  public void setTuned(Double tuned) {
    this.tuned = tuned;
  }

  public Double getDelta() {
    return delta;
  }

  public void setDelta(Double delta) {
    this.delta = delta;
  }
}
