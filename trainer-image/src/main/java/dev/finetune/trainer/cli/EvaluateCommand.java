/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.train.Evaluator;
import dev.finetune.trainer.train.SftObjective;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the token-weighted mean loss of a model on a file as one JSON line. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a model on a JSONL file. The last line of output is {\"loss\": L, \"tokens\": n}:",
      "the mean negative log-likelihood per scored token over the whole file."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Mixin ModelOptions options;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      description =
          "Sequences per forward pass (default ${DEFAULT-VALUE}); does not change the result.")
  int batchSize;

  @Override
  public Integer call() {
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
}
