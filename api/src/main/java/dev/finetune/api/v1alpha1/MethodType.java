/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the model's weights are trained. */
public enum MethodType {
  /** Every weight is trained; the output is a full model. */
  @JsonProperty("full")
  FULL,
  /** Low-rank adapters on chosen modules; base weights frozen; the output is a PEFT adapter. */
  @JsonProperty("lora")
  LORA
}
