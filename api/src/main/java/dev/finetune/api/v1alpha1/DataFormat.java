/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The shape of each JSONL line. */
public enum DataFormat {
  /** {@code {"text": "..."}}: every token is learned. */
  @JsonProperty("text")
  TEXT,
  /** {@code {"prompt": "...", "completion": "..."}}: only completion tokens are learned. */
  @JsonProperty("promptCompletion")
  PROMPT_COMPLETION,
  /** OpenAI fine-tuning chat JSONL ({@code messages}): only assistant turns are learned. */
  @JsonProperty("chat")
  CHAT
}
