/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.trainer.io.SafetensorsFile;
import dev.finetune.trainer.model.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * float16 mixed precision against the float32 run of the same settings, and dynamic loss scaling.
 *
 * <p>Tolerance: float16 keeps 11 significant bits, so every input of a matrix product is rounded by
 * up to 2^-11 ≈ 4.9e-4 of its value (products accumulate in float32; norms, softmax and the loss
 * stay in float32): logits move by about 1e-3 of their size, and a loss of a few nats by 1e-4 to
 * 1e-3. Measured here over ten steps: at most 3.8e-4 on a step's loss and 5.5e-5 relative on the
 * final weights; bounds about five times that: 2e-3 on each loss, 5e-4 on the weights. Gradients
 * are differences of such terms and move more: up to 3.9e-2 relative on a step's gradient norm
 * (tiny-gemma3, step 5), bound 1e-1 — a missing unscale would be off by the scale, 1024. A LoRA
 * adapter moves more too (1.4e-2 relative, bound 5e-2): its A matrices get gradients near zero
 * while B is still small, and AdamW turns those into full-size steps whose sign float16 rounding
 * can flip; the merged model, what the adapter does, stays within 1e-4 (bound 5e-4).
 */
class MixedPrecisionFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double PARITY_SCALE = 1024;
  @TempDir static Path shared;
  private static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = shared.resolve("text40.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 40));
  }

  private static TrainRequest.Builder request(String model, Path out, Precision precision) {
    TrainRequest.Builder b = TrainRequest.builder();
    b.inputs()
        .setModel(Fixtures.model(model).toString())
        .setData(data.toString())
        .setFormat(DataFormat.TEXT)
        .optMaxLength(32);
    b.checkpointing().setOutput(out).optSaveEverySteps(5);
    b.reporting().optProgressBar(false);
    // A loss scale no step of these runs overflows at, so that both take the same steps.
    b.training()
        .optLearningRate(1e-3)
        .optBatchSize(4)
        .optMaxSteps(10)
        .optPrecision(precision)
        .optInitialLossScale(PARITY_SCALE);
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama", "tiny-gemma3"})
  void tenFloat16StepsStayWithinTheToleranceOfFloat32(String model, @TempDir Path dir)
      throws Exception {
    Path single = dir.resolve("float32");
    Path half = dir.resolve("float16");
    new TrainRunner(request(model, single, Precision.FLOAT32).build()).run(List.of());
    TrainerResult result =
        new TrainRunner(request(model, half, Precision.FLOAT16).build()).run(List.of());

    List<Double> reference = trainLosses(single);
    List<Double> mixed = trainLosses(half);
    System.out.printf(
        "%s: float16 vs float32, largest loss difference %.2e, grad norm %.2e, weights %.2e%n",
        model,
        largestDifference(reference, mixed),
        largestRelativeDifference(trainValues(single, "grad_norm"), trainValues(half, "grad_norm")),
        relativeDifference(single.resolve("final"), half.resolve("final"), "model.safetensors"));
    assertThat(mixed).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(mixed.get(i)).as("step %d loss", i + 1).isCloseTo(reference.get(i), within(2e-3));
    }
    List<Double> referenceNorms = trainValues(single, "grad_norm");
    List<Double> mixedNorms = trainValues(half, "grad_norm");
    for (int i = 0; i < 10; i++) {
      assertThat(mixedNorms.get(i))
          .as("step %d gradient norm (unscaled)", i + 1)
          .isCloseTo(referenceNorms.get(i), within(1e-1 * referenceNorms.get(i)));
    }
    assertThat(mixed)
        .as("the float16 run computed in float16 (not bit-identical to float32)")
        .isNotEqualTo(reference);
    JsonNode state = JSON.readTree(half.resolve("trainer_state.json").toFile());
    assertThat(state.get("skipped_steps").asLong()).isZero();
    assertThat(result.skippedSteps()).isZero();
    assertThat(state.get("log_history").get(0).get("loss_scale").asDouble())
        .isEqualTo(PARITY_SCALE);
    assertThat(
            relativeDifference(single.resolve("final"), half.resolve("final"), "model.safetensors"))
        .as("final weights, relative to their norm")
        .isLessThan(5e-4);
  }

  @Test
  void anOverflowIsSkippedTheScaleHalvesAndTrainingGoesOn(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    TrainRequest.Builder b = request("tiny-llama", out, Precision.FLOAT16);
    b.checkpointing().optSaveEverySteps(1).optSaveTotalLimit(20);
    // float16's largest value is 65504: gradients scaled by 2^24 overflow until the scale halves
    // down to where they fit.
    b.training().optInitialLossScale(Math.pow(2, 24));
    TrainerResult result = new TrainRunner(b.build()).run(List.of());

    JsonNode history = JSON.readTree(out.resolve("trainer_state.json").toFile()).get("log_history");
    List<JsonNode> steps = new ArrayList<>();
    history.forEach(r -> steps.add(r));
    assertThat(steps).as("train steps only (no validation data)").hasSize(10);
    assertThat(steps.get(0).get("skipped").asBoolean()).as("step 1 overflowed").isTrue();
    assertThat(steps.get(0).has("grad_norm")).isFalse();
    assertThat(steps.get(1).get("loss_scale").asDouble())
        .as("the scale halved")
        .isEqualTo(Math.pow(2, 23));
    long skipped = steps.stream().filter(r -> r.path("skipped").asBoolean()).count();
    assertThat(skipped).as("some steps, not all, were skipped").isBetween(1L, 9L);
    assertThat(result.skippedSteps()).isEqualTo(skipped);
    for (int i = 0; i + 1 < steps.size(); i++) {
      JsonNode step = steps.get(i);
      boolean wasSkipped = step.path("skipped").asBoolean();
      assertThat(step.has("grad_norm")).as("step %d has a norm", i + 1).isEqualTo(!wasSkipped);
      assertThat(steps.get(i + 1).get("loss_scale").asDouble())
          .as("the scale after step %d", i + 1)
          .isEqualTo(step.get("loss_scale").asDouble() / (wasSkipped ? 2 : 1));
    }

    // A skipped step changes no weight: the checkpoint after step 1 equals the model as loaded.
    assertThat(
            relativeDifference(
                Fixtures.model("tiny-llama"), out.resolve("checkpoint-1"), "model.safetensors"))
        .isZero();
    assertThat(
            relativeDifference(
                Fixtures.model("tiny-llama"), out.resolve("final"), "model.safetensors"))
        .as("the steps after the overflow trained")
        .isGreaterThan(0);
  }

  /**
   * A float16 run stopped after a skipped stretch and resumed computes what the uninterrupted run
   * does: the loss scale and the optimizer's step count come back from the checkpoint.
   */
  @Test
  void aResumedFloat16RunEqualsTheUninterruptedOne(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole");
    TrainRequest.Builder b = request("tiny-llama", whole, Precision.FLOAT16);
    b.checkpointing().optSaveEverySteps(1).optSaveTotalLimit(20);
    b.training().optInitialLossScale(Math.pow(2, 24));
    new TrainRunner(b.build()).run(List.of());

    Path resumed = dir.resolve("resumed");
    Files.createDirectories(resumed);
    // The state after step 6 (past the overflows), as a killed run would leave it.
    copyTree(whole.resolve("checkpoint-6"), resumed.resolve("checkpoint-6"));
    TrainRequest.Builder again = request("tiny-llama", resumed, Precision.FLOAT16);
    again.checkpointing().optSaveEverySteps(1);
    again.training().optInitialLossScale(Math.pow(2, 24));
    new TrainRunner(again.build()).run(List.of());

    assertThat(Files.readAllBytes(resumed.resolve("final/model.safetensors")))
        .isEqualTo(Files.readAllBytes(whole.resolve("final/model.safetensors")));
    assertThat(trainLosses(resumed)).isEqualTo(trainLosses(whole));
  }

  @Test
  void loraHoldsTheBaseInFloat16AndMergesIntoTheCheckpointsValues(@TempDir Path dir)
      throws Exception {
    Path single = dir.resolve("float32");
    Path half = dir.resolve("float16");
    for (Path out : List.of(single, half)) {
      TrainRequest.Builder b =
          request("tiny-llama", out, out == half ? Precision.FLOAT16 : Precision.FLOAT32);
      b.method().optType(MethodType.LORA).optMergeAdapter(true);
      b.training().optLearningRate(1e-2);
      new TrainRunner(b.build()).run(List.of());
    }
    List<Double> reference = trainLosses(single);
    List<Double> mixed = trainLosses(half);
    System.out.printf(
        "LoRA: float16 vs float32, largest loss difference %.2e, adapter %.2e, merged %.2e%n",
        largestDifference(reference, mixed),
        relativeDifference(
            single.resolve("final"), half.resolve("final"), "adapter_model.safetensors"),
        relativeDifference(single.resolve("merged"), half.resolve("merged"), "model.safetensors"));
    for (int i = 0; i < 10; i++) {
      assertThat(mixed.get(i)).as("step %d loss", i + 1).isCloseTo(reference.get(i), within(2e-3));
    }
    assertThat(mixed).isNotEqualTo(reference);
    assertThat(
            relativeDifference(
                single.resolve("final"), half.resolve("final"), "adapter_model.safetensors"))
        .as("adapter weights")
        .isLessThan(5e-2);
    // Untouched base tensors are the checkpoint's bytes, not float16 roundings of them.
    Map<String, float[]> source = floats(Fixtures.model("tiny-llama").resolve("model.safetensors"));
    Map<String, float[]> merged = floats(half.resolve("merged/model.safetensors"));
    assertThat(merged.get("model.embed_tokens.weight"))
        .isEqualTo(source.get("model.embed_tokens.weight"));
    assertThat(merged.get("model.layers.0.mlp.up_proj.weight"))
        .isEqualTo(source.get("model.layers.0.mlp.up_proj.weight"));
    assertThat(
            relativeDifference(
                single.resolve("merged"), half.resolve("merged"), "model.safetensors"))
        .as("merged weights: float32 base plus the adapter")
        .isLessThan(5e-4);
  }

  private static List<Double> trainLosses(Path out) throws Exception {
    return trainValues(out, "loss");
  }

  /** {@code field} of every training record in trainer_state.json's log_history. */
  private static List<Double> trainValues(Path out, String field) throws Exception {
    List<Double> values = new ArrayList<>();
    for (JsonNode r :
        JSON.readTree(out.resolve("trainer_state.json").toFile()).get("log_history")) {
      if (r.path("loss").isNumber()) {
        values.add(r.path(field).asDouble());
      }
    }
    return values;
  }

  private static double largestDifference(List<Double> a, List<Double> b) {
    double largest = 0;
    for (int i = 0; i < a.size(); i++) {
      largest = Math.max(largest, Math.abs(a.get(i) - b.get(i)));
    }
    return largest;
  }

  private static double largestRelativeDifference(List<Double> a, List<Double> b) {
    double largest = 0;
    for (int i = 0; i < a.size(); i++) {
      largest = Math.max(largest, Math.abs(a.get(i) - b.get(i)) / Math.abs(a.get(i)));
    }
    return largest;
  }

  /** ‖a − b‖ / ‖a‖ over every tensor of the weight file {@code file} in two folders. */
  private static double relativeDifference(Path a, Path b, String file) throws Exception {
    Map<String, float[]> left = floats(a.resolve(file));
    Map<String, float[]> right = floats(b.resolve(file));
    assertThat(right.keySet()).isEqualTo(left.keySet());
    double diff = 0;
    double norm = 0;
    for (Map.Entry<String, float[]> e : left.entrySet()) {
      float[] x = e.getValue();
      float[] y = right.get(e.getKey());
      for (int i = 0; i < x.length; i++) {
        diff += (x[i] - (double) y[i]) * (x[i] - (double) y[i]);
        norm += (double) x[i] * x[i];
      }
    }
    return Math.sqrt(diff / norm);
  }

  private static Map<String, float[]> floats(Path file) throws Exception {
    SafetensorsFile f = SafetensorsFile.open(file);
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    for (String key : f.tensors().keySet()) {
      out.put(key, f.readFloats(key));
    }
    return out;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
