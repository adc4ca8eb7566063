/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.ModelSize;
import dev.finetune.trainer.model.Precision;
import dev.finetune.trainer.train.FullWeights;
import dev.finetune.trainer.train.LoraWeights;
import dev.finetune.trainer.train.MemoryEstimate;
import dev.finetune.trainer.train.SftObjective;
import dev.finetune.trainer.train.TrainedWeights;
import dev.finetune.trainer.train.TrainingLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the trainer's memory against {@link MemoryEstimate}: the process's resident memory once
 * the JVM and the engine's natives are loaded (the idle process), then a few training steps of the
 * benchmark's kind (random token ids, the real training loop), then the peak resident memory
 * (VmHWM). Prints one JSON line with idle, peak, peak − idle and the estimate for the same
 * settings, in MiB, and estimate / (peak − idle). One shape per process: the peak is per process
 * (trainer-image/bench/memory.sh runs them all).
 *
 * <pre>
 * MemoryBenchmark MODEL_DIR BATCH SEQ STEPS [LORA_RANK LORA_TARGETS|default] [float16]
 * </pre>
 */
public final class MemoryBenchmark {
  private static final double MIB = 1024.0 * 1024.0;

  private MemoryBenchmark() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    Path model = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int seq = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    int loraRank = 0;
    String targets = null;
    Precision precision = Precision.FLOAT32;
    for (int i = 4; i < args.length; i++) {
      if (args[i].equals("float16")) {
        precision = Precision.FLOAT16;
      } else {
        loraRank = Integer.parseInt(args[i]);
        targets = args[++i];
      }
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      // The idle process: JVM, engine and natives loaded, one small operation run, no model.
      try (NDManager probe = manager.newSubManager()) {
        NDArray x = probe.ones(new ai.djl.ndarray.types.Shape(4, 4));
        x.matMul(x).sum().getFloat();
      }
      long idleKiB = TrainBenchmark.residentKiB();

      ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
      TrainedWeights trained = new FullWeights(loaded);
      LoraConfig lora = null;
      if (loraRank > 0) {
        // As TrainBenchmark: PEFT's LoraConfig(r, lora_alpha=2r, lora_dropout=0).
        List<String> modules =
            targets.equals("default")
                ? loaded.block().defaultLoraTargets()
                : List.of(targets.split(","));
        lora = new LoraConfig(loraRank, 2.0 * loraRank, 0, modules);
        LoraAdapter adapter = LoraAdapter.create(loaded.block(), lora, 1, manager);
        loaded.block().setAdapter(adapter);
        trained = new LoraWeights(loaded, adapter, lora, model.toString());
        if (precision == Precision.FLOAT16) {
          // As TrainRunner: the frozen base in float16.
          loaded.block().narrowWeights(loaded.block().parametersByName().keySet());
        }
      }
      long loadedKiB = TrainBenchmark.residentKiB();
      long loadedPeakKiB = TrainBenchmark.peakResidentKiB();
      List<Example> examples =
          TrainBenchmark.randomExamples(loaded.block().config().vocabSize(), batch * steps, seq);
      List<Long> stepRss = new ArrayList<>();
      List<Long> stepPeak = new ArrayList<>();
      List<Double> losses = new ArrayList<>();
      new TrainingLoop(
              loaded.block(),
              new SftObjective(),
              trained,
              TrainBenchmark.options(batch, steps, precision),
              manager)
          .run(
              examples,
              record -> {
                stepRss.add(TrainBenchmark.residentKiB());
                stepPeak.add(TrainBenchmark.peakResidentKiB());
                losses.add(record.loss());
              },
              step -> {});
      long peakKiB = TrainBenchmark.peakResidentKiB();

      // The estimate, as the prepare step and DeviceFit compute it (read from the headers).
      ModelConfig config = ModelConfig.read(model);
      ModelSize size = ModelSize.of(config, model, lora);
      boolean isLora = lora != null;
      long estimate = MemoryEstimate.bytes(config, size, precision, isLora, batch, seq);
      // Its terms: weights + gradients + optimizer state (no tokens), the logits and their
      // log-softmax (8 bytes a logit), and the per-layer activations (the rest).
      long fixed = MemoryEstimate.bytes(config, size, precision, isLora, 0, seq);
      long logits = 8L * batch * seq * config.vocabSize();
      long layers = estimate - fixed - logits;
      double measuredMiB = (peakKiB - idleKiB) / 1024.0;

      ObjectNode out = new ObjectMapper().createObjectNode();
      out.put("model", model.getFileName().toString());
      out.put("batch", batch);
      out.put("seq", seq);
      out.put("steps", steps);
      out.put("lora_rank", loraRank);
      if (isLora) {
        out.put("lora_targets", String.join(",", lora.targetModules()));
      }
      out.put("precision", precision.name().toLowerCase(java.util.Locale.ROOT));
      out.put("parameters", size.parameters());
      out.put("trainable", size.trainable());
      out.put("idle_mib", idleKiB / 1024.0);
      out.put("loaded_mib", loadedKiB / 1024.0);
      out.put("loaded_peak_mib", loadedPeakKiB / 1024.0);
      out.put("peak_mib", peakKiB / 1024.0);
      out.put("peak_minus_idle_mib", measuredMiB);
      out.put("peak_minus_loaded_mib", (peakKiB - loadedKiB) / 1024.0);
      out.put("estimate_mib", estimate / MIB);
      out.put("estimate_fixed_mib", fixed / MIB);
      out.put("estimate_layers_mib", layers / MIB);
      out.put("estimate_logits_mib", logits / MIB);
      out.put("ratio", estimate / MIB / measuredMiB);
      out.putPOJO("step_rss_mib", stepRss.stream().map(k -> k / 1024).toList());
      out.putPOJO("step_peak_mib", stepPeak.stream().map(k -> k / 1024).toList());
      out.putPOJO("losses", losses);
      System.out.println(out);
    }
  }
}
