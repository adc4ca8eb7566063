/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

/**
 * A line that is valid JSON of its format but cannot become an example once tokenized (a preference
 * prompt that does not tokenize as a prefix of its completions, a prompt that fills maxLength): the
 * dataset reports it with its line number like any other bad line.
 */
public final class RejectedLine extends RuntimeException {
  RejectedLine(String reason) {
    super(reason, null, false, false);
  }
}
