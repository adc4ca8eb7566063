/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import java.util.Arrays;
import java.util.Optional;

/**
 * The three task shapes, each an lm-evaluation-harness output type: what a line holds and what is
 * computed from it.
 */
public enum TaskType {
  /**
   * {@code {"context", "choices": [...], "answer": i}}: lm-eval's {@code multiple_choice} with
   * {@code target_delimiter: ""} (each choice appended to the context as it is); acc, acc_norm.
   */
  MULTIPLE_CHOICE("multipleChoice", "multiple_choice"),
  /**
   * {@code {"context", "continuation"}}: lm-eval's {@code loglikelihood} with {@code
   * target_delimiter: ""}; perplexity, acc (the continuation is the greedy one).
   */
  LOGLIKELIHOOD("loglikelihood", "loglikelihood"),
  /** {@code {"prompt", "expected"}}: lm-eval's {@code generate_until}, greedy; exact_match. */
  GENERATE("generate", "generate_until");

  private final String wireName;
  private final String lmEvalOutputType;

  TaskType(String wireName, String lmEvalOutputType) {
    this.wireName = wireName;
    this.lmEvalOutputType = lmEvalOutputType;
  }

  /** The name in a task file's type, on the command line and in results. */
  public String wireName() {
    return wireName;
  }

  /** lm-eval's {@code output_type} for this shape. */
  public String lmEvalOutputType() {
    return lmEvalOutputType;
  }

  public static Optional<TaskType> byName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  /** "multipleChoice, loglikelihood or generate". */
  public static String names() {
    return MULTIPLE_CHOICE.wireName + ", " + LOGLIKELIHOOD.wireName + " or " + GENERATE.wireName;
  }
}
