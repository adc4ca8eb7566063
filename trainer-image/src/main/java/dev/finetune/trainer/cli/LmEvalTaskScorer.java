/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.eval.TaskEvaluator;
import dev.finetune.trainer.eval.TaskOptions;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.train.EvaluationOptions;
import dev.finetune.trainer.train.TaskScorer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The base-versus-tuned evaluation's task scorer: {@code eval.TaskEvaluator}, lm-evaluation-harness
 * 0.4.13's computation, with the task's new-token limit. It reports the task type's metrics (acc
 * and acc_norm, perplexity and acc, exact_match), not their stderr.
 */
final class LmEvalTaskScorer implements TaskScorer {
  @Override
  public Map<String, Double> score(
      CausalLmBlock model,
      TextTokenizer tokenizer,
      Path file,
      EvaluationOptions.Task task,
      NDManager manager) {
    TaskOptions options = TaskOptions.defaults().withMaxNewTokens(task.maxNewTokens());
    Map<String, Double> all =
        TaskEvaluator.evaluate(model, tokenizer, file, task.type(), options, manager).metrics();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String name : task.type().metrics()) {
      metrics.put(name, all.get(name));
    }
    return metrics;
  }
}
