/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/** What a run optimises, independent of which weights train ({@link MethodType}). */
public enum ObjectiveType {
  /** Supervised fine-tuning: the next-token loss of the scored tokens. */
  @JsonProperty("sft")
  SFT("sft"),
  /** Direct Preference Optimization on chosen/rejected pairs (TRL's DPOTrainer). */
  @JsonProperty("dpo")
  DPO("dpo");

  private final String wireName;

  ObjectiveType(String wireName) {
    this.wireName = wireName;
  }

  /** The name in YAML, JSON and on the trainer's command line. */
  public String wireName() {
    return wireName;
  }

  public static Optional<ObjectiveType> byName(String name) {
    for (ObjectiveType t : values()) {
      if (t.wireName.equals(name) || t.name().equalsIgnoreCase(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
