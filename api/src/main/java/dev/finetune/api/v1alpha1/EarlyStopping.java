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
      "Smallest decrease of the validation loss that counts as an improvement. Default: 0.")
  private Double minDelta;

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
}
