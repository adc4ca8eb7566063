/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.ndarray.NDManager;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.eval.TaskEvaluator;
import dev.finetune.trainer.eval.TaskOptions;
import dev.finetune.trainer.eval.TaskResult;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.train.Evaluator;
import dev.finetune.trainer.train.SftObjective;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Prints the token-weighted mean loss of a model on a file as one JSON line, or, with --task, an
 * lm-evaluation-harness task's metrics.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a model on a JSONL file.",
      "With --data and --format, the last line of output is {\"loss\": L, \"tokens\": n}: the mean",
      "negative log-likelihood per scored token over the whole file.",
      "With --task and --task-type, it is one JSON object with the task's metrics computed as",
      "lm-evaluation-harness 0.4.13 computes them (multipleChoice: acc, acc_norm and the",
      "per-choice loglikelihoods; loglikelihood: perplexity, acc; generate: exact_match)."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Mixin ModelOptions options;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      description =
          "Sequences per forward pass (default ${DEFAULT-VALUE}); does not change the result.")
  int batchSize;

  @Option(
      names = "--task",
      description =
          "A task file (JSONL): a file, hf://datasets/org/name[@revision]/path/file.jsonl or an"
              + " https:// URL.")
  String task;

  @Option(
      names = "--task-type",
      description = "multipleChoice, loglikelihood or generate (with --task).",
      converter = TaskTypeConverter.class)
  EvaluationTaskType taskType;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "" + TaskOptions.DEFAULT_MAX_NEW_TOKENS,
      description =
          "generate: tokens to generate at most (default ${DEFAULT-VALUE}, lm-eval's"
              + " max_gen_toks); generation also stops at the EOS token and a blank line.")
  int maxNewTokens;

  @Spec CommandSpec spec;

  private static final String TASK_TYPES = "multipleChoice, loglikelihood or generate";

  @Override
  public Integer call() {
    if (task != null) {
      return task();
    }
    if (taskType != null) {
      throw new ParameterException(spec.commandLine(), "--task-type needs --task");
    }
    if (options.data == null || options.format == null) {
      throw new ParameterException(
          spec.commandLine(),
          "give --data and --format (a loss over a file), or --task and --task-type");
    }
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(options.modelDir())) {
      ModelLoader.LoadedModel model = options.load(manager);
      var examples =
          Datasets.load(
                  options.dataFile(), options.format, options.examples(tokenizer, model), false)
              .examples();
      Evaluator.Score score =
          new Evaluator(new SftObjective(), batchSize).evaluate(model.block(), examples, manager);
      System.out.println(
          String.format(
              Locale.ROOT, "{\"loss\": %s, \"tokens\": %d}", score.loss(), score.tokens()));
      return 0;
    }
  }

  private int task() {
    if (taskType == null) {
      throw new ParameterException(
          spec.commandLine(), "--task needs --task-type (" + TASK_TYPES + ")");
    }
    if (options.data != null) {
      throw new ParameterException(spec.commandLine(), "give --task or --data, not both");
    }
    if (batchSize < 1 || maxNewTokens < 1) {
      throw new ParameterException(
          spec.commandLine(), "--batch-size and --max-new-tokens must be at least 1");
    }
    TaskOptions taskOptions =
        TaskOptions.defaults().withBatchSize(batchSize).withMaxNewTokens(maxNewTokens);
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(options.modelDir())) {
      ModelLoader.LoadedModel model = options.load(manager);
      TaskResult result =
          TaskEvaluator.evaluate(
              model, tokenizer, options.dataFile(task), taskType, taskOptions, manager);
      System.out.println(result.toJson());
      return 0;
    }
  }

  static final class TaskTypeConverter
      implements picocli.CommandLine.ITypeConverter<EvaluationTaskType> {
    @Override
    public EvaluationTaskType convert(String value) {
      return EvaluationTaskType.byName(value)
          .orElseThrow(
              () ->
                  TrainerException.config(
                      "unknown task type \"" + value + "\" (" + TASK_TYPES + ")"));
    }
  }
}
