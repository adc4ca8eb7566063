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
 * The same questions to the base model and the tuned one: each task is scored before the first step
 * and after the last, side by side in status.result.evaluation, and a gate decides whether the
 * tuned model is promoted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationSpec {
  @Size(max = 16)
  @JsonPropertyDescription(
      "Evaluation tasks. The validation loss (with dataset.validation or validationSplit) is"
          + " always compared too, as task validation.")
  private List<EvaluationTask> tasks;

  @JsonPropertyDescription("When the tuned model is promoted. Without a gate it always is.")
  private EvaluationGate gate;

  public List<EvaluationTask> getTasks() {
    return tasks;
  }

  public void setTasks(List<EvaluationTask> tasks) {
    this.tasks = tasks;
  }

  public EvaluationGate getGate() {
    return gate;
  }

  public void setGate(EvaluationGate gate) {
    this.gate = gate;
  }
}
