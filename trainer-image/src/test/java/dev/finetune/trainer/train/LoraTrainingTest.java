/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** LoRA training at the loop level: PEFT initialisation, frozen base, dropout and seeds. */
class LoraTrainingTest {
  private static final Path MODEL = Fixtures.model("tiny-llama");

  @Test
  void newAdapterHasPeftInitialisationAndLeavesTheModelUnchanged() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(MODEL, manager);
      LoraAdapter adapter =
          LoraAdapter.create(
              loaded.block(), new LoraConfig(4, 8, 0, List.of("q_proj", "down_proj")), 3, manager);
      int layers = loaded.block().config().layers();
      assertThat(adapter.modules()).hasSize(2 * layers);
      assertThat(adapter.modules())
          .containsKeys("model.layers.0.self_attn.q_proj", "model.layers.0.mlp.down_proj");
      adapter
          .modules()
          .forEach(
              (module, pair) -> {
                long in = pair.a().getShape().get(1);
                double bound = 1 / Math.sqrt(in);
                float[] a = pair.a().toFloatArray();
                double largest = 0;
                for (float v : a) {
                  largest = Math.max(largest, Math.abs(v));
                }
                // Uniform in ±1/√in: every draw inside, the largest of hundreds near the bound.
                assertThat(largest)
                    .as(module)
                    .isLessThanOrEqualTo(bound)
                    .isGreaterThan(0.9 * bound);
                assertThat(Arrays.stream(box(a)).distinct().count())
                    .as(module)
                    .isGreaterThan(a.length / 2);
                assertThat(pair.b().toFloatArray()).as(module).containsOnly(0f);
                assertThat(pair.a().getShape().get(0)).isEqualTo(4);
              });
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"tiny-llama, 'q_proj,v_proj'", "tiny-gpt2, 'c_attn,c_proj'"})
  void trainingChangesOnlyTheAdapterAndTheBaseStaysBitIdentical(String name, String targets) {
    Path model = Fixtures.model(name);
    try (NDManager manager = NDManager.newBaseManager()) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
      Map<String, float[]> before = snapshot(loaded);
      LoraConfig config = new LoraConfig(4, 8, 0.1, List.of(targets.split(",")));
      LoraAdapter adapter = LoraAdapter.create(loaded.block(), config, 3, manager);
      loaded.block().setAdapter(adapter);
      List<StepRecord> records =
          train(loaded, model, new LoraWeights(loaded, adapter, config, name), manager);
      assertThat(records).hasSize(4);

      Map<String, float[]> after = snapshot(loaded);
      for (String key : before.keySet()) {
        assertThat(Arrays.equals(after.get(key), before.get(key))).as(key).isTrue();
        assertThat(loaded.block().parametersByName().get(key).getArray().hasGradient())
            .as(key + " had no gradient")
            .isFalse();
      }
      adapter
          .modules()
          .forEach(
              (module, pair) ->
                  assertThat(pair.b().toFloatArray())
                      .as(module + " B trained away from zero")
                      .isNotEqualTo(new float[(int) pair.b().size()]));
    }
  }

  @Test
  void dropoutDrawsDependOnlyOnSeedAndStep() {
    List<Double> first = lossesWithDropout(0.3, 11);
    List<Double> again = lossesWithDropout(0.3, 11);
    List<Double> otherSeed = lossesWithDropout(0.3, 12);
    List<Double> noDropout = lossesWithDropout(0, 11);
    assertThat(again).containsExactlyElementsOf(first);
    assertThat(otherSeed).isNotEqualTo(first);
    assertThat(noDropout).isNotEqualTo(first);
    assertThat(TrainingLoop.stepSeed(11, 3)).isNotEqualTo(TrainingLoop.stepSeed(11, 4));
  }

  private static List<Double> lossesWithDropout(double dropout, long seed) {
    try (NDManager manager = NDManager.newBaseManager()) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(MODEL, manager);
      LoraConfig config = new LoraConfig(4, 8, dropout, List.of("q_proj", "v_proj"));
      LoraAdapter adapter = LoraAdapter.create(loaded.block(), config, seed, manager);
      loaded.block().setAdapter(adapter);
      return train(loaded, MODEL, new LoraWeights(loaded, adapter, config, "tiny-llama"), manager)
          .stream()
          .map(StepRecord::loss)
          .toList();
    }
  }

  private static List<StepRecord> train(
      ModelLoader.LoadedModel loaded, Path model, TrainedWeights weights, NDManager manager) {
    List<StepRecord> records = new ArrayList<>();
    try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
      List<Example> examples =
          Datasets.load(
                  Fixtures.data("text.jsonl"),
                  DataFormat.TEXT,
                  new ExampleBuilder(
                      tokenizer,
                      loaded.block().config().eosTokenId(),
                      32,
                      ChatRenderer.forModel(model)),
                  false)
              .examples()
              .subList(0, 16);
      TrainingOptions options =
          TrainingOptions.builder()
              .optBatchSize(4)
              .optGradientAccumulationSteps(1)
              .optEpochs(1)
              .optMaxSteps(4)
              .optLearningRate(1e-2)
              .optWeightDecay(0.01)
              .optBeta1(0.9)
              .optBeta2(0.999)
              .optEps(1e-8)
              .optMaxGradNorm(1.0)
              .optScheduler(LrSchedule.Kind.CONSTANT)
              .optWarmupSteps(0)
              .optWarmupRatio(0)
              .optSeed(7)
              .optShuffle(false)
              .optEvalEverySteps(0)
              .build();
      new TrainingLoop(loaded.block(), new SftObjective(), weights, options, manager)
          .run(examples, records::add, s -> {});
    }
    return records;
  }

  private static Map<String, float[]> snapshot(ModelLoader.LoadedModel loaded) {
    Map<String, float[]> values = new LinkedHashMap<>();
    loaded.block().parametersByName().forEach((k, p) -> values.put(k, p.getArray().toFloatArray()));
    return values;
  }

  private static Float[] box(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }
}
