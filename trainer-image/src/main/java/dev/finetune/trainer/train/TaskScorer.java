/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.CausalLmBlock;
import java.nio.file.Path;
import java.util.Map;

/** Scores a model on one evaluation task file, as lm-evaluation-harness does. */
@FunctionalInterface
public interface TaskScorer {
  /**
   * @param file the task's JSONL file, resolved
   * @return the task's metrics under lm-eval's names
   */
  Map<String, Double> score(
      CausalLmBlock model,
      TextTokenizer tokenizer,
      Path file,
      EvaluationOptions.Task task,
      NDManager manager);
}
