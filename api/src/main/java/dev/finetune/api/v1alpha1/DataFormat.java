/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/** The shape of each JSONL line. */
public enum DataFormat {
  /** {@code {"text": "..."}}: every token is learned. */
  @JsonProperty("text")
  TEXT("text"),
  /** {@code {"prompt": "...", "completion": "..."}}: only completion tokens are learned. */
  @JsonProperty("promptCompletion")
  PROMPT_COMPLETION("promptCompletion"),
  /** OpenAI fine-tuning chat JSONL ({@code messages}): only assistant turns are learned. */
  @JsonProperty("chat")
  CHAT("chat"),
  /**
   * Preference pairs for DPO, in TRL's forms: {@code {"prompt", "chosen", "rejected"}} strings
   * (standard), {@code prompt} a list of messages with {@code chosen}/{@code rejected} lists of
   * assistant messages (conversational), or {@code chosen}/{@code rejected} whole conversations
   * sharing their first turns (implicit prompt).
   */
  @JsonProperty("preference")
  PREFERENCE("preference");

  private final String wireName;

  DataFormat(String wireName) {
    this.wireName = wireName;
  }

  /** The name in YAML, JSON and on the trainer's command line. */
  public String wireName() {
    return wireName;
  }

  /** The format named {@code name} (its wire name, or the constant's name in any case). */
  public static Optional<DataFormat> byName(String name) {
    for (DataFormat f : values()) {
      if (f.wireName.equals(name) || f.name().equalsIgnoreCase(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
