/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

/** A bad line: its 1-based number in the file and why it is bad. */
public record LineError(long line, String reason) {
  @Override
  public String toString() {
    return "line " + line + ": " + reason;
  }
}
