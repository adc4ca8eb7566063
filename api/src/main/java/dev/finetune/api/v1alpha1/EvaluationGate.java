/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * When a tuned model is promoted: every rule holds (and, with notWorseThanBase, no metric got
 * worse). A run that fails the gate still ends Succeeded, with condition Promoted=False.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationGate {
  @JsonPropertyDescription(
      "The tuned model may not be worse than the base on any metric of any task (the validation"
          + " loss included). Default: false.")
  private Boolean notWorseThanBase;

  @Size(max = 32)
  @JsonPropertyDescription("Rules the tuned model must meet, each on one task's metric.")
  private List<GateRule> rules;

  public Boolean getNotWorseThanBase() {
    return notWorseThanBase;
  }

  public void setNotWorseThanBase(Boolean notWorseThanBase) {
    this.notWorseThanBase = notWorseThanBase;
  }

  public List<GateRule> getRules() {
    return rules;
  }

  public void setRules(List<GateRule> rules) {
    this.rules = rules;
  }
}
