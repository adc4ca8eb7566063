/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Floating-point precision of model weights. */
public enum ModelDtype {
  @JsonProperty("float32")
  FLOAT32,
  @JsonProperty("float16")
  FLOAT16,
  @JsonProperty("bfloat16")
  BFLOAT16
}
