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
import io.fabric8.generator.annotation.ValidationRule;

/** Training and validation data. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.validation) && has(self.validationSplit))",
    message = "set either dataset.validation or dataset.validationSplit, not both")
public class DatasetSpec {
  @Required
  @JsonPropertyDescription("The training file.")
  private DataSource train;

  @JsonPropertyDescription("An optional validation file, scored every evalEverySteps.")
  private DataSource validation;

  @Required
  @JsonPropertyDescription(
      "Line format: text ({\"text\"}), promptCompletion ({\"prompt\", \"completion\"}), chat"
          + " (OpenAI fine-tuning JSONL with \"messages\") or preference ({\"prompt\", \"chosen\","
          + " \"rejected\"} pairs, for method.objective dpo).")
  private DataFormat format;

  @Min(16)
  @Max(1048576)
  @JsonPropertyDescription(
      "Maximum tokens per example; longer examples are truncated. Default: 1024.")
  private Integer maxLength;

  @JsonPropertyDescription(
      "Pack examples into sequences of maxLength tokens (best-fit decreasing). Each keeps its own"
          + " positions and attends only to itself, so the losses are those of the examples"
          + " unpacked; steps count packed sequences. Default: false.")
  private Boolean packing;

  @Min(value = 0, inclusive = false)
  @Max(0.5)
  @JsonPropertyDescription(
      "Fraction of the training file held out for validation (rounded up), chosen by the seed:"
          + " the same examples after a restart, never trained on.")
  private Double validationSplit;

  public DataSource getTrain() {
    return train;
  }

  public void setTrain(DataSource train) {
    this.train = train;
  }

  public DataSource getValidation() {
    return validation;
  }

  public void setValidation(DataSource validation) {
    this.validation = validation;
  }

  public DataFormat getFormat() {
    return format;
  }

  public void setFormat(DataFormat format) {
    this.format = format;
  }

  public Integer getMaxLength() {
    return maxLength;
  }

  public void setMaxLength(Integer maxLength) {
    this.maxLength = maxLength;
  }

  public Boolean getPacking() {
    return packing;
  }

  public void setPacking(Boolean packing) {
    this.packing = packing;
  }

  public Double getValidationSplit() {
    return validationSplit;
  }

  public void setValidationSplit(Double validationSplit) {
    this.validationSplit = validationSplit;
  }
}
