/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to the operator-created volume when the FineTuneJob is deleted. */
public enum RetainPolicy {
  /** The claim (and the trained model on it) outlives the FineTuneJob. */
  @JsonProperty("Retain")
  RETAIN,
  /** The claim is deleted with the FineTuneJob (it carries an owner reference). */
  @JsonProperty("Delete")
  DELETE
}
