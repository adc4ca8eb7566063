/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The fine-tuning method. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.lora) || (has(self.type) && self.type == 'lora')",
    message = "method.lora may only be set when method.type is lora")
@ValidationRule(
    value = "!has(self.dpo) || (has(self.objective) && self.objective == 'dpo')",
    message = "method.dpo may only be set when method.objective is dpo")
public class MethodSpec {
  @JsonPropertyDescription(
      "What the run optimises: sft (supervised fine-tuning) or dpo (preference pairs; dataset"
          + " format preference). Independent of type. Default: sft.")
  private ObjectiveType objective;

  @JsonPropertyDescription("DPO settings; only with objective dpo. Every field has a default.")
  private DpoSpec dpo;

  @JsonPropertyDescription("full or lora. Default: full.")
  private MethodType type;

  @JsonPropertyDescription("LoRA settings; only with type lora. Every field has a default.")
  private LoraSpec lora;

  public MethodType getType() {
    return type;
  }

  public void setType(MethodType type) {
    this.type = type;
  }

  public ObjectiveType getObjective() {
    return objective;
  }

  public void setObjective(ObjectiveType objective) {
    this.objective = objective;
  }

  /** The objective, or sft when none is set. */
  public ObjectiveType objectiveOrDefault() {
    return objective != null ? objective : ObjectiveType.SFT;
  }

  public DpoSpec getDpo() {
    return dpo;
  }

  public void setDpo(DpoSpec dpo) {
    this.dpo = dpo;
  }

  public LoraSpec getLora() {
    return lora;
  }

  public void setLora(LoraSpec lora) {
    this.lora = lora;
  }
}
