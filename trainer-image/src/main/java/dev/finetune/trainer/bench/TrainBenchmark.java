/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.DpoSpec;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.io.SafetensorsWriter;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.Precision;
import dev.finetune.trainer.train.DpoObjective;
import dev.finetune.trainer.train.FullWeights;
import dev.finetune.trainer.train.LoraWeights;
import dev.finetune.trainer.train.LrSchedule;
import dev.finetune.trainer.train.Objective;
import dev.finetune.trainer.train.ObjectiveOptions;
import dev.finetune.trainer.train.ReferenceLogProbs;
import dev.finetune.trainer.train.SftObjective;
import dev.finetune.trainer.train.TrainedWeights;
import dev.finetune.trainer.train.TrainingLoop;
import dev.finetune.trainer.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times training steps of the real training loop on random token ids, for comparison with PyTorch
 * eager on the same shapes (trainer-image/bench/run.sh runs both, alternating). Prints one JSON
 * line: step times, median (statistics.median's: the mean of the two middle values for an even
 * count), tokens/s, resident memory, the first step's loss, library versions and the allocator
 * settings it ran with.
 *
 * <pre>
 * TrainBenchmark MODEL_DIR BATCH SEQ STEPS [WARMUP [LORA_RANK LORA_TARGETS]]
 *   -Dbench.objective=dpo: BATCH preference pairs per step, each a prompt of SEQ/2 random tokens
 *   with a chosen and a rejected completion of SEQ/2 (two sequences of SEQ tokens per pair); the
 *   reference log-probabilities are computed first, timed apart ("reference_s")
 *   -Dbench.tokens=FILE: the token ids both engines read (bench/hf_train.py --make-tokens), one
 *   sequence per line (DPO: two lines per pair, chosen then rejected) instead of java.util.Random's
 * TrainBenchmark --make-gpt2 DIR LAYERS HIDDEN HEADS   (writes a GPT-2 with random weights)
 * </pre>
 */
public final class TrainBenchmark {
  private TrainBenchmark() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    if (args[0].equals("--make-gpt2")) {
      makeGpt2(
          Path.of(args[1]),
          Integer.parseInt(args[2]),
          Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
      return;
    }
    Path model = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int seq = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int loraRank = args.length > 6 ? Integer.parseInt(args[5]) : 0;
    try (NDManager manager = NDManager.newBaseManager()) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
      boolean dpo = "dpo".equals(System.getProperty("bench.objective"));
      int vocab = loaded.block().config().vocabSize();
      String tokenFile = System.getProperty("bench.tokens");
      List<Example> examples =
          tokenFile != null
              ? fileExamples(Path.of(tokenFile), batch * (steps + warmup), seq, dpo)
              : dpo
                  ? randomPairs(vocab, batch * (steps + warmup), seq)
                  : randomExamples(vocab, batch * (steps + warmup), seq);
      TrainingOptions options = options(batch, steps + warmup, Precision.FLOAT32);
      List<Double> seconds = new ArrayList<>();
      List<Long> rss = new ArrayList<>();
      List<Double> losses = new ArrayList<>();
      long[] last = {System.nanoTime()};
      TrainedWeights trained = new FullWeights(loaded);
      if (loraRank > 0) {
        // PEFT's LoraConfig(r, lora_alpha=2r, lora_dropout=0) on the given modules.
        LoraConfig lora = new LoraConfig(loraRank, 2.0 * loraRank, 0, List.of(args[6].split(",")));
        LoraAdapter adapter = LoraAdapter.create(loaded.block(), lora, 1, manager);
        loaded.block().setAdapter(adapter);
        trained = new LoraWeights(loaded, adapter, lora, model.toString());
      }
      long trainable = trained.arrays().values().stream().mapToLong(a -> a.size()).sum();
      Objective objective = new SftObjective();
      double referenceSeconds = 0;
      if (dpo) {
        long start = System.nanoTime();
        ReferenceLogProbs reference =
            ReferenceLogProbs.compute(loaded.block(), examples, batch, loraRank > 0, manager);
        referenceSeconds = (System.nanoTime() - start) / 1e9;
        objective =
            new DpoObjective(
                new ObjectiveOptions(ObjectiveType.DPO, DpoSpec.DEFAULT_BETA, DpoLoss.SIGMOID, 0),
                reference);
      }
      new TrainingLoop(loaded.block(), objective, trained, options, manager)
          .run(
              examples,
              record -> {
                long now = System.nanoTime();
                if (record.step() > warmup) {
                  seconds.add((now - last[0]) / 1e9);
                }
                rss.add(residentKiB());
                profile(record.step(), warmup);
                losses.add(record.loss());
                if (Boolean.getBoolean("bench.gc")) {
                  System.gc(); // provokes use-after-free bugs in native memory handling
                }
                last[0] = System.nanoTime();
              },
              step -> {});
      double median = median(seconds);
      ObjectNode out = new ObjectMapper().createObjectNode();
      out.put("impl", "djl");
      out.put("first_loss", losses.get(0));
      out.put("allocator", allocator());
      out.put("objective", dpo ? "dpo" : "sft");
      if (dpo) {
        out.put("reference_s", referenceSeconds);
      }
      out.put(
          "engine",
          "DJL "
              + ai.djl.engine.Engine.getDjlVersion()
              + ", PyTorch "
              + ai.djl.engine.Engine.getInstance().getVersion());
      out.put("trainable_params", trainable);
      out.put("peak_rss_mib", peakResidentKiB() / 1024.0);
      out.put("gemm_gflops", gemmGflops(manager));
      out.put("batch", batch);
      out.put("seq", seq);
      out.put("median_step_s", median);
      out.put("tokens_per_s", (dpo ? 2 : 1) * batch * seq / median);
      out.putPOJO("step_s", seconds);
      out.put("rss_peak_kib", rss.stream().mapToLong(Long::longValue).max().orElse(0));
      out.put(
          "rss_after_warmup_kib",
          rss.get(Math.min(rss.size() - 1, Math.max(warmup, rss.size() / 5))));
      out.put("rss_last_kib", rss.get(rss.size() - 1));
      List<Long> everyTenth = new ArrayList<>();
      for (int i = 0; i < rss.size(); i += Math.max(1, rss.size() / 10)) {
        everyTenth.add(rss.get(i));
      }
      out.putPOJO("rss_samples_kib", everyTenth);
      out.putPOJO("losses", losses);
      System.out.println(out);
    }
  }

  /** statistics.median: the middle value, or the mean of the two middle values. */
  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The glibc malloc settings of this process's environment (empty: glibc's defaults). */
  static String allocator() {
    StringBuilder out = new StringBuilder();
    new java.util.TreeMap<>(System.getenv())
        .forEach(
            (k, v) -> {
              if (k.startsWith("MALLOC_")) {
                out.append(out.length() == 0 ? "" : " ").append(k).append('=').append(v);
              }
            });
    return out.toString();
  }

  /**
   * {@code count} examples (or pairs) from a token file both engines read: one sequence of {@code
   * seq} ids per line; for pairs two lines each, chosen then rejected, the completion mask on their
   * second half.
   */
  static List<Example> fileExamples(Path file, int count, int seq, boolean pairs)
      throws IOException {
    List<long[]> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        long[] ids = Arrays.stream(line.trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
        if (ids.length != seq) {
          throw new IllegalArgumentException(
              file + ": a line of " + ids.length + " ids, not " + seq);
        }
        lines.add(ids);
      }
    }
    int needed = count * (pairs ? 2 : 1);
    if (lines.size() < needed) {
      throw new IllegalArgumentException(
          file + ": " + lines.size() + " lines, " + needed + " needed");
    }
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (pairs) {
        boolean[] completion = new boolean[seq];
        Arrays.fill(completion, seq / 2, seq, true);
        examples.add(
            Example.pair(
                new Example(i + 1, lines.get(2 * i), completion, false),
                new Example(i + 1, lines.get(2 * i + 1), completion.clone(), false)));
      } else {
        boolean[] scored = new boolean[seq];
        Arrays.fill(scored, 1, seq, true);
        examples.add(new Example(i + 1, lines.get(i), scored, false));
      }
    }
    return examples;
  }

  /** {@code count} examples of {@code seq} random token ids, every token but the first scored. */
  static List<Example> randomExamples(int vocab, int count, int seq) {
    Random random = new Random(1234);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long[] ids = new long[seq];
      for (int t = 0; t < seq; t++) {
        ids[t] = random.nextInt(vocab);
      }
      boolean[] scored = new boolean[seq];
      Arrays.fill(scored, 1, seq, true);
      examples.add(new Example(i + 1, ids, scored, false));
    }
    return examples;
  }

  /**
   * {@code count} pairs: a prompt of seq/2 random ids, a chosen and a rejected completion of seq/2
   * each (the completion mask on them).
   */
  static List<Example> randomPairs(int vocab, int count, int seq) {
    Random random = new Random(1234);
    List<Example> pairs = new ArrayList<>();
    int prompt = seq / 2;
    for (int i = 0; i < count; i++) {
      long[] chosen = new long[seq];
      long[] rejected = new long[seq];
      for (int t = 0; t < seq; t++) {
        chosen[t] = random.nextInt(vocab);
        rejected[t] = t < prompt ? chosen[t] : random.nextInt(vocab);
      }
      boolean[] completion = new boolean[seq];
      Arrays.fill(completion, prompt, seq, true);
      pairs.add(
          Example.pair(
              new Example(i + 1, chosen, completion, false),
              new Example(i + 1, rejected, completion.clone(), false)));
    }
    return pairs;
  }

  /** The benchmark's training options: AdamW, constant LR, clipping, no accumulation or eval. */
  static TrainingOptions options(int batch, int steps, Precision precision) {
    return TrainingOptions.builder()
        .optBatchSize(batch)
        .optGradientAccumulationSteps(1)
        .optEpochs(1)
        .optMaxSteps(steps)
        .optLearningRate(1e-4)
        .optWeightDecay(0.0)
        .optBeta1(0.9)
        .optBeta2(0.999)
        .optEps(1e-8)
        .optMaxGradNorm(1.0)
        .optScheduler(LrSchedule.Kind.CONSTANT)
        .optWarmupSteps(0)
        .optWarmupRatio(0)
        .optSeed(1)
        .optShuffle(false)
        .optEvalEverySteps(0)
        .optPrecision(precision)
        .build();
  }

  /**
   * The machine's floor for this engine: a float32 matmul of a typical projection's shape (512 x
   * 896 times 896 x 4864), as the Python side measures it.
   */
  static double gemmGflops(NDManager parent) {
    try (NDManager m = parent.newSubManager()) {
      ai.djl.ndarray.NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(512, 896));
      ai.djl.ndarray.NDArray b = m.randomNormal(new ai.djl.ndarray.types.Shape(896, 4864));
      for (int i = 0; i < 3; i++) {
        a.matMul(b).close();
      }
      List<Double> runs = new ArrayList<>();
      for (int r = 0; r < 5; r++) {
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
          a.matMul(b).close();
        }
        runs.add((System.nanoTime() - start) / 1e9 / 10);
      }
      runs.sort(Double::compare);
      return 2.0 * 512 * 896 * 4864 / runs.get(runs.size() / 2) / 1e9;
    }
  }

  /**
   * With {@code -Dbench.profile=FILE}, PyTorch's profiler records the first step after warmup and
   * writes a Chrome trace to FILE (summarize it with trainer-image/bench/profile_summary.py).
   */
  private static void profile(long step, int warmup) {
    String file = System.getProperty("bench.profile");
    if (file == null) {
      return;
    }
    if (step == warmup) {
      ai.djl.pytorch.jni.JniUtils.startProfile(false, true, true);
    } else if (step == warmup + 1) {
      ai.djl.pytorch.jni.JniUtils.stopProfile(file);
    }
  }

  /** The process's peak resident memory (VmHWM), as getrusage's ru_maxrss reports it. */
  static long peakResidentKiB() {
    return statusField("VmHWM:");
  }

  static long residentKiB() {
    return statusField("VmRSS:");
  }

  private static long statusField(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** A GPT-2 with N(0, 0.02) weights, vocabulary 50257, 1024 positions. */
  static void makeGpt2(Path dir, int layers, int hidden, int heads) throws IOException {
    Files.createDirectories(dir);
    int vocab = 50257;
    int positions = 1024;
    Random random = new Random(7);
    Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
    t.put("wte.weight", normal(random, vocab, hidden));
    t.put("wpe.weight", normal(random, positions, hidden));
    for (int i = 0; i < layers; i++) {
      String p = "h." + i + ".";
      t.put(p + "ln_1.weight", ones(hidden));
      t.put(p + "ln_1.bias", zeros(hidden));
      t.put(p + "attn.c_attn.weight", normal(random, hidden, 3 * hidden));
      t.put(p + "attn.c_attn.bias", zeros(3 * hidden));
      t.put(p + "attn.c_proj.weight", normal(random, hidden, hidden));
      t.put(p + "attn.c_proj.bias", zeros(hidden));
      t.put(p + "ln_2.weight", ones(hidden));
      t.put(p + "ln_2.bias", zeros(hidden));
      t.put(p + "mlp.c_fc.weight", normal(random, hidden, 4 * hidden));
      t.put(p + "mlp.c_fc.bias", zeros(4 * hidden));
      t.put(p + "mlp.c_proj.weight", normal(random, 4 * hidden, hidden));
      t.put(p + "mlp.c_proj.bias", zeros(hidden));
    }
    t.put("ln_f.weight", ones(hidden));
    t.put("ln_f.bias", zeros(hidden));
    SafetensorsWriter.write(dir.resolve("model.safetensors"), t);
    ObjectNode config = new ObjectMapper().createObjectNode();
    config.put("model_type", "gpt2");
    config.putArray("architectures").add("GPT2LMHeadModel");
    config.put("vocab_size", vocab);
    config.put("n_positions", positions);
    config.put("n_embd", hidden);
    config.put("n_layer", layers);
    config.put("n_head", heads);
    config.put("layer_norm_epsilon", 1e-5);
    config.put("activation_function", "gelu_new");
    config.put("eos_token_id", 50256);
    config.put("bos_token_id", 50256);
    Files.writeString(dir.resolve("config.json"), config.toPrettyString());
  }

  private static SafetensorsWriter.Tensor normal(Random random, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * 0.02);
    }
    return new SafetensorsWriter.Tensor(new long[] {rows, cols}, v);
  }

  private static SafetensorsWriter.Tensor ones(int n) {
    float[] v = new float[n];
    Arrays.fill(v, 1f);
    return new SafetensorsWriter.Tensor(new long[] {n}, v);
  }

  private static SafetensorsWriter.Tensor zeros(int n) {
    return new SafetensorsWriter.Tensor(new long[] {n}, new float[n]);
  }
}
