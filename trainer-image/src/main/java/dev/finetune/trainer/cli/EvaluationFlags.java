/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.train.EvaluationOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags of {@link EvaluationOptions}: the base model against the tuned one. */
final class EvaluationFlags {
  @Option(
      names = "--eval-task",
      paramLabel = "NAME:TYPE[:MAX_NEW_TOKENS]=FILE",
      description =
          "An evaluation task the base model (before step 1) and the tuned model (the output) are"
              + " both scored on, as lm-evaluation-harness scores it: TYPE multipleChoice,"
              + " loglikelihood or generate (MAX_NEW_TOKENS, default "
              + EvaluationOptions.DEFAULT_MAX_NEW_TOKENS
              + "). Repeatable. OUTPUT/evaluation.json compares them.")
  List<String> tasks;

  @Option(
      names = "--compare-base",
      description =
          "Compare the base model with the tuned one on the validation loss even without"
              + " --eval-task.")
  boolean compareBase;

  /** Sets on {@code b} every flag that was given; tasks given here replace the config's. */
  void applyTo(EvaluationOptions.Builder b) {
    if (compareBase) {
      b.optEnabled(true);
    }
    if (tasks != null) {
      b.clearTasks();
      for (String task : tasks) {
        add(task, b);
      }
    }
  }

  /** Sets on {@code b} the config's evaluation tasks (an empty list: the validation loss). */
  static void fromConfig(TrainerConfig c, EvaluationOptions.Builder b, ConfigFields config) {
    config.name("--eval-task", "spec.evaluation.tasks");
    if (c.evaluation() == null) {
      return;
    }
    b.optEnabled(true);
    for (TrainerConfig.EvaluationTaskConfig t : c.evaluation()) {
      b.addTask(t.name(), t.source(), t.type(), t.maxNewTokens());
    }
  }

  private static void add(String spec, EvaluationOptions.Builder b) {
    int eq = spec.indexOf('=');
    String[] head = eq < 0 ? new String[0] : spec.substring(0, eq).split(":", -1);
    if (eq < 0 || head.length < 2 || head.length > 3 || head[0].isEmpty()) {
      throw TrainerException.config(
          "--eval-task is NAME:TYPE[:MAX_NEW_TOKENS]=FILE, not \"" + spec + "\"");
    }
    EvaluationTaskType type =
        EvaluationTaskType.byName(head[1])
            .orElseThrow(
                () ->
                    TrainerException.config(
                        "--eval-task "
                            + head[0]
                            + ": the type is multipleChoice, loglikelihood or generate, not \""
                            + head[1]
                            + "\""));
    Integer maxNewTokens = null;
    if (head.length == 3) {
      try {
        maxNewTokens = Integer.parseInt(head[2]);
      } catch (NumberFormatException e) {
        throw TrainerException.config(
            "--eval-task " + head[0] + ": MAX_NEW_TOKENS is a number, not \"" + head[2] + "\"");
      }
    }
    b.addTask(head[0], spec.substring(eq + 1), type, maxNewTokens);
  }
}
