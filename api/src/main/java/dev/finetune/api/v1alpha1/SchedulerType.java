/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Learning-rate schedule after warmup. */
public enum SchedulerType {
  @JsonProperty("constant")
  CONSTANT,
  @JsonProperty("linear")
  LINEAR,
  @JsonProperty("cosine")
  COSINE
}
