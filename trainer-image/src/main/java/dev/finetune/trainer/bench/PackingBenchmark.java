/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.bench;

import ai.djl.ndarray.NDManager;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.SequencePacker;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.train.FullWeights;
import dev.finetune.trainer.train.LrSchedule;
import dev.finetune.trainer.train.SftObjective;
import dev.finetune.trainer.train.TrainingLoop;
import dev.finetune.trainer.train.TrainingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Packing against no packing, side by side in one process (these machines are noisy): one epoch of
 * the real training loop over the same examples with skewed lengths (most short, a few near
 * maxLength, as chat and instruction data are), unpacked in batches padded to their longest, and
 * packed. Prints, per mode and round, the real (non-pad) tokens per second and the fraction of
 * computed positions that were padding.
 *
 * <pre>PackingBenchmark MODEL_DIR MAX_LENGTH BATCH EXAMPLES ROUNDS</pre>
 */
public final class PackingBenchmark {
  private PackingBenchmark() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    Path model = Path.of(args[0]);
    int maxLength = Integer.parseInt(args[1]);
    int batch = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    try (NDManager manager = NDManager.newBaseManager()) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
      List<Example> examples = skewed(count, maxLength, loaded.block().config().vocabSize());
      List<Example> packed = SequencePacker.pack(examples, maxLength);
      long realTokens = examples.stream().mapToLong(Example::length).sum();
      System.out.printf(
          "%d examples, %d tokens (lengths: median %d, max %d); packed into %d sequences of <= %d%n",
          examples.size(),
          realTokens,
          sortedLengths(examples)[examples.size() / 2],
          sortedLengths(examples)[examples.size() - 1],
          packed.size(),
          maxLength);
      System.out.printf(
          "%-8s %-6s %10s %12s %10s%n", "mode", "round", "seconds", "tokens/s", "pad");
      for (int round = 1; round <= rounds; round++) {
        for (boolean pack : new boolean[] {false, true}) {
          List<Example> data = pack ? packed : examples;
          long start = System.nanoTime();
          epoch(loaded, data, batch, manager);
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              "%-8s %-6d %10.2f %12.0f %9.1f%%%n",
              pack ? "packed" : "unpacked",
              round,
              seconds,
              realTokens / seconds,
              100 * padFraction(data, batch));
        }
      }
    }
  }

  /** Lengths drawn so that 80% are 8-64 tokens and 20% are 64-maxLength, in random order. */
  static List<Example> skewed(int count, int maxLength, int vocab) {
    Random random = new Random(20261202L);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length =
          random.nextDouble() < 0.8
              ? 8 + random.nextInt(57)
              : 64 + random.nextInt(Math.max(1, maxLength - 63));
      long[] ids = new long[length];
      for (int t = 0; t < length; t++) {
        ids[t] = random.nextInt(vocab);
      }
      boolean[] scored = new boolean[length];
      Arrays.fill(scored, 1, length, true);
      out.add(new Example(i + 1, ids, scored, false));
    }
    return out;
  }

  private static int[] sortedLengths(List<Example> examples) {
    return examples.stream().mapToInt(Example::length).sorted().toArray();
  }

  /**
   * Padding positions over all positions of the batches (file order, as the loop without shuffle).
   */
  static double padFraction(List<Example> data, int batch) {
    long padded = 0;
    long real = 0;
    for (int i = 0; i < data.size(); i += batch) {
      List<Example> b = data.subList(i, Math.min(data.size(), i + batch));
      int width = b.stream().mapToInt(Example::length).max().orElse(0);
      padded += (long) width * b.size();
      real += b.stream().mapToLong(Example::length).sum();
    }
    return 1 - (double) real / padded;
  }

  private static void epoch(
      ModelLoader.LoadedModel loaded, List<Example> data, int batch, NDManager manager) {
    TrainingOptions options =
        TrainingOptions.builder()
            .optBatchSize(batch)
            .optGradientAccumulationSteps(1)
            .optEpochs(1)
            .optLearningRate(1e-5)
            .optMaxGradNorm(1.0)
            .optScheduler(LrSchedule.Kind.CONSTANT)
            .optWarmupSteps(0)
            .optWarmupRatio(0)
            .optSeed(1)
            .optShuffle(false)
            .optEvalEverySteps(0)
            .build();
    new TrainingLoop(loaded.block(), new SftObjective(), new FullWeights(loaded), options, manager)
        .run(data, 0, record -> {}, step -> {});
  }
}
