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
public class MethodSpec {
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

  public LoraSpec getLora() {
    return lora;
  }

  public void setLora(LoraSpec lora) {
    this.lora = lora;
  }
}
