/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which output folder of a run the publish step pushes. */
public enum PublishWhat {
  /** {@code final/}: the full model, or with LoRA the PEFT adapter (which names its base). */
  @JsonProperty("final")
  FINAL("final"),
  /** LoRA only: {@code merged/}, the base model with the adapter folded in (a full model). */
  @JsonProperty("merged")
  MERGED("merged");

  private final String folder;

  PublishWhat(String folder) {
    this.folder = folder;
  }

  /** The output folder's name, which is also the value in the spec. */
  public String folder() {
    return folder;
  }
}
