/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.eval.Decoding;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Continues a prompt: greedy at temperature 0, else temperature and nucleus (top-p) sampling. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Prints the model's continuation of --prompt (stops at the EOS token).")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Hugging Face model directory.")
  Path model;

  @Option(names = "--adapter", description = "PEFT LoRA adapter directory to apply.")
  Path adapter;

  @Option(names = "--prompt", required = true, description = "Text to continue.")
  String prompt;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "64",
      description = "Tokens to generate at most (default ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--temperature",
      defaultValue = "0",
      description = "0 is greedy (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-p",
      defaultValue = "1.0",
      description = "Nucleus sampling mass (default ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Sampling seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(model)) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
      CausalLmBlock block = loaded.block();
      if (adapter != null) {
        block.setAdapter(LoraAdapter.load(adapter, block, manager));
      }
      long[] ids = tokenizer.encode(prompt);
      long[] generated =
          generate(block, ids, maxNewTokens, temperature, topP, new Random(seed), manager);
      System.out.println(tokenizer.decode(generated));
      return 0;
    }
  }

  /**
   * The new tokens (without the prompt; an empty prompt starts from the EOS token), through {@link
   * Decoding}: no KV cache, each step runs the whole sequence.
   */
  static long[] generate(
      CausalLmBlock model,
      long[] prompt,
      int maxNew,
      double temperature,
      double topP,
      Random random,
      NDManager manager) {
    long[] ids = prompt.length == 0 ? new long[] {model.config().eosTokenId()} : prompt;
    Decoding.NextToken next =
        temperature <= 0
            ? Decoding.GREEDY
            : last -> new long[] {sample(last.toFloatArray(), temperature, topP, random)};
    return Decoding.continueAll(
            model,
            List.of(ids),
            maxNew,
            next,
            Set.of((long) model.config().eosTokenId()),
            fresh -> false,
            1,
            manager)
        .get(0);
  }

  static long argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  static long sample(float[] logits, double temperature, double topP, Random random) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      sum += p[i];
    }
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      p[i] /= sum;
    }
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    double kept = 0;
    int n = 0;
    while (n < order.length && (n == 0 || kept < topP)) {
      kept += p[order[n++]];
    }
    double u = random.nextDouble() * kept;
    for (int i = 0; i < n; i++) {
      u -= p[order[i]];
      if (u <= 0) {
        return order[i];
      }
    }
    return order[n - 1];
  }
}
