/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import java.util.List;

/** One valid line of a task file, with its 1-based line number. */
public sealed interface TaskItem {
  long line();

  /** A question: the context, the choices appended to it as they are, the right one's index. */
  record MultipleChoice(long line, String context, List<String> choices, int answer)
      implements TaskItem {
    public MultipleChoice {
      choices = List.copyOf(choices);
    }
  }

  /** A context and the continuation whose log-likelihood is scored. */
  record Continuation(long line, String context, String continuation) implements TaskItem {}

  /** A prompt to continue greedily and the text the continuation must equal. */
  record Generation(long line, String prompt, String expected) implements TaskItem {}
}
