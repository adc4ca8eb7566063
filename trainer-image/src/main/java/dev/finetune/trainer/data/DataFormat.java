/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import dev.finetune.trainer.TrainerException;

/** The three line formats, with their command-line names. */
public enum DataFormat {
  TEXT("text"),
  PROMPT_COMPLETION("promptCompletion"),
  CHAT("chat");

  private final String cliName;

  DataFormat(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static DataFormat parse(String name) {
    for (DataFormat f : values()) {
      if (f.cliName.equals(name) || f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw TrainerException.config(
        "unknown data format \"" + name + "\" (text, promptCompletion or chat)");
  }

  public static DataFormat of(dev.finetune.api.v1alpha1.DataFormat apiFormat) {
    return valueOf(apiFormat.name());
  }
}
