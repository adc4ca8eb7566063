/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {
  @Test
  void accumulationOfTwoHalvesEqualsOneWholeBatch() {
    List<StepRecord> whole = train(4, 1);
    List<StepRecord> halves = train(2, 2);
    assertThat(halves).hasSameSizeAs(whole);
    for (int i = 0; i < whole.size(); i++) {
      assertThat(halves.get(i).loss()).isCloseTo(whole.get(i).loss(), within(1e-5));
      assertThat(halves.get(i).gradNorm()).isCloseTo(whole.get(i).gradNorm(), within(1e-5));
      assertThat(halves.get(i).tokens()).isEqualTo(whole.get(i).tokens());
    }
  }

  @Test
  void trainsTheSameOnAnyThread() throws Exception {
    // A new thread starts with PyTorch's grad mode on; the loop must not depend on it.
    List<StepRecord> main = train(4, 1);
    java.util.concurrent.atomic.AtomicReference<List<StepRecord>> other =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread thread = new Thread(() -> other.set(train(4, 1)));
    thread.start();
    thread.join();
    assertThat(other.get()).as("the run on another thread finished").isNotNull();
    assertThat(other.get())
        .extracting(StepRecord::loss)
        .containsExactlyElementsOf(main.stream().map(StepRecord::loss).toList());
  }

  @Test
  void sameSeedSameRunAndShufflingChangesTheOrder() {
    List<StepRecord> a = train(4, 1, true, 7);
    List<StepRecord> b = train(4, 1, true, 7);
    List<StepRecord> c = train(4, 1, false, 7);
    assertThat(a)
        .extracting(StepRecord::loss)
        .containsExactlyElementsOf(b.stream().map(StepRecord::loss).toList());
    assertThat(a.get(0).loss()).isNotEqualTo(c.get(0).loss());
  }

  @Test
  void schedulesFollowTheHuggingFaceMultipliers() {
    LrSchedule linear = new LrSchedule(LrSchedule.Kind.LINEAR, 1.0, 2, 10);
    assertThat(linear.at(0)).isZero();
    assertThat(linear.at(1)).isEqualTo(0.5);
    assertThat(linear.at(2)).isEqualTo(1.0);
    assertThat(linear.at(6)).isEqualTo(0.5);
    assertThat(linear.at(10)).isZero();
    LrSchedule cosine = new LrSchedule(LrSchedule.Kind.COSINE, 1.0, 0, 10);
    assertThat(cosine.at(0)).isEqualTo(1.0);
    assertThat(cosine.at(5)).isCloseTo(0.5, within(1e-12));
    assertThat(new LrSchedule(LrSchedule.Kind.CONSTANT, 0.1, 4, 10).at(2)).isEqualTo(0.05);
  }

  private static List<StepRecord> train(int batch, int accumulation) {
    return train(batch, accumulation, false, 42);
  }

  private static List<StepRecord> train(int batch, int accumulation, boolean shuffle, long seed) {
    Path model = Fixtures.model("tiny-gpt2");
    List<StepRecord> records = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(model)) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
      List<Example> examples =
          Datasets.load(
                  Fixtures.data("text.jsonl"),
                  DataFormat.TEXT,
                  new ExampleBuilder(tokenizer, 50256, 32, ChatRenderer.forModel(model)),
                  false)
              .examples()
              .subList(0, 16);
      TrainingOptions options =
          TrainingOptions.builder()
              .optBatchSize(batch)
              .optGradientAccumulationSteps(accumulation)
              .optEpochs(1)
              .optMaxSteps(3)
              .optLearningRate(1e-3)
              .optWeightDecay(0.01)
              .optBeta1(0.9)
              .optBeta2(0.999)
              .optEps(1e-8)
              .optMaxGradNorm(1.0)
              .optScheduler(LrSchedule.Kind.LINEAR)
              .optWarmupSteps(1)
              .optWarmupRatio(0)
              .optSeed(seed)
              .optShuffle(shuffle)
              .optEvalEverySteps(0)
              .build();
      new TrainingLoop(
              loaded.block(), new SftObjective(), new FullWeights(loaded), options, manager)
          .run(examples, records::add, s -> {});
    }
    return records;
  }
}
