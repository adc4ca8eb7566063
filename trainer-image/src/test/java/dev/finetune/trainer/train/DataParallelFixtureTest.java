/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.trainer.io.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data parallel with two replicas, both on the CPU device (no GPU here; on GPUs only the device
 * copies differ): the same global batch (4 micro-batches of 2 per step) gives the one-replica run's
 * losses, gradient norms and weights within 1e-5 (the weights relative to their norm). The gradient
 * sums differ only in order, (m0 + m2) + (m1 + m3) against ((m0 + m1) + m2) + m3, a float32
 * rounding of about 1e-7. Single weights can move more: AdamW's step m / (√v + ε) jumps where a
 * gradient element is near zero, and there that rounding moves the element by a fraction of the
 * learning rate (measured: 2.3e-5 on one tiny-gpt2 element, ≤ 1.8e-7 elsewhere), so the largest
 * single difference is bounded by 1e-4.
 */
class DataParallelFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  private static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = shared.resolve("text40.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 40));
  }

  private static TrainRequest.Builder request(String model, Path out, int replicas) {
    TrainRequest.Builder b = TrainRequest.builder();
    b.inputs()
        .setModel(Fixtures.model(model).toString())
        .setData(data.toString())
        .setFormat(DataFormat.TEXT)
        .optMaxLength(32);
    b.checkpointing().setOutput(out).optSaveEverySteps(2).optSaveTotalLimit(10);
    b.reporting().optProgressBar(false);
    b.training()
        .optLearningRate(1e-3)
        .optBatchSize(2)
        .optGradientAccumulationSteps(4)
        .optMaxSteps(4)
        .optReplicas(replicas);
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama"})
  void twoReplicasTrainWhatOneDoes(String model, @TempDir Path dir) throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    new TrainRunner(request(model, one, 1).build()).run(List.of());
    new TrainRunner(request(model, two, 2).build()).run(List.of());

    assertClose(one, two, "model.safetensors");
  }

  @Test
  void twoReplicasTrainTheLoraAdapterOneDoes(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    for (Path out : List.of(one, two)) {
      // No dropout: its masks come from one generator, drawn in a different order by threads.
      TrainRequest.Builder b = request("tiny-llama", out, out == one ? 1 : 2);
      b.method().optType(MethodType.LORA).optLoraDropout(0);
      b.training().optLearningRate(1e-2);
      new TrainRunner(b.build()).run(List.of());
    }
    assertClose(one, two, "adapter_model.safetensors");
  }

  /** Checkpoints hold the primary replica's weights: a resumed two-replica run ends the same. */
  @Test
  void aResumedTwoReplicaRunEqualsTheUninterruptedOne(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole");
    new TrainRunner(request("tiny-llama", whole, 2).build()).run(List.of());
    Path resumed = dir.resolve("resumed");
    copyTree(whole.resolve("checkpoint-2"), resumed.resolve("checkpoint-2"));
    new TrainRunner(request("tiny-llama", resumed, 2).build()).run(List.of());

    assertThat(Files.readAllBytes(resumed.resolve("final/model.safetensors")))
        .isEqualTo(Files.readAllBytes(whole.resolve("final/model.safetensors")));
  }

  private static void assertClose(Path one, Path two, String weights) throws Exception {
    List<JsonNode> a = trainRecords(one);
    List<JsonNode> b = trainRecords(two);
    assertThat(b).hasSize(4);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).get("loss").asDouble())
          .as("step %d loss", i + 1)
          .isCloseTo(a.get(i).get("loss").asDouble(), within(1e-5));
      double norm = a.get(i).get("grad_norm").asDouble();
      assertThat(b.get(i).get("grad_norm").asDouble())
          .as("step %d gradient norm", i + 1)
          .isCloseTo(norm, within(1e-5 * norm));
      assertThat(b.get(i).get("tokens").asLong()).isEqualTo(a.get(i).get("tokens").asLong());
    }
    SafetensorsFile x = SafetensorsFile.open(one.resolve("final").resolve(weights));
    SafetensorsFile y = SafetensorsFile.open(two.resolve("final").resolve(weights));
    assertThat(y.tensors().keySet()).isEqualTo(x.tensors().keySet());
    double largest = 0;
    double diff = 0;
    double norm = 0;
    for (String key : x.tensors().keySet()) {
      float[] p = x.readFloats(key);
      float[] q = y.readFloats(key);
      for (int i = 0; i < p.length; i++) {
        largest = Math.max(largest, Math.abs(p[i] - q[i]));
        diff += (p[i] - (double) q[i]) * (p[i] - (double) q[i]);
        norm += (double) p[i] * p[i];
      }
    }
    double relative = Math.sqrt(diff / norm);
    System.out.printf(
        "%s: two replicas vs one, weights %.2e relative, largest single difference %.2e%n",
        weights, relative, largest);
    assertThat(relative).as("weight difference relative to their norm").isLessThan(1e-5);
    assertThat(largest).as("largest single weight difference").isLessThan(1e-4);
  }

  private static List<JsonNode> trainRecords(Path out) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (JsonNode r :
        JSON.readTree(out.resolve("trainer_state.json").toFile()).get("log_history")) {
      if (r.has("loss")) {
        records.add(r);
      }
    }
    return records;
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
