/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** Stop when the validation loss stops improving. Needs validation data. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EarlyStopping {
  @Required
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Evaluations without improvement before training stops.")
  private Integer patience;

  @Min(0)
  @JsonPropertyDescription(
      "Smallest improvement of the metric that counts as an improvement. Default: 0.")
  private Double minDelta;

  @JsonPropertyDescription(
      "The evaluation metric watched, and by which the best model (the output) is chosen, by its"
          + " Hugging Face name (metric_for_best_model): loss (the default, the validation loss)"
          + " or a metric the objective logs at evaluation; the eval_ prefix is optional.")
  private String metric;

  @JsonPropertyDescription(
      "Whether a larger value of the metric is better (greater_is_better). Default: false for a"
          + " metric whose name ends in loss, true for any other.")
  private Boolean greaterIsBetter;

  public Integer getPatience() {
    return patience;
  }

  public void setPatience(Integer patience) {
    this.patience = patience;
  }

  public Double getMinDelta() {
    return minDelta;
  }

  public void setMinDelta(Double minDelta) {
    this.minDelta = minDelta;
  }

  public String getMetric() {
    return metric;
  }

  public void setMetric(String metric) {
    this.metric = metric;
  }

  public Boolean getGreaterIsBetter() {
    return greaterIsBetter;
  }

  public void setGreaterIsBetter(Boolean greaterIsBetter) {
    this.greaterIsBetter = greaterIsBetter;
  }
}
