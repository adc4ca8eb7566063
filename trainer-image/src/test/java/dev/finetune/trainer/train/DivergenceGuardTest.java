/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A loss that turns NaN stops the run with the step named, before a NaN update is applied. */
class DivergenceGuardTest {
  @Test
  void nanLossStopsTraining() {
    Path model = Fixtures.model("tiny-gpt2");
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(model)) {
      ModelLoader.LoadedModel loaded = ModelLoader.load(model, manager);
      loaded.block().parametersByName().get("ln_f.weight").getArray().muli(Float.NaN);
      var examples =
          Datasets.load(
                  Fixtures.data("text.jsonl"),
                  DataFormat.TEXT,
                  new ExampleBuilder(tokenizer, 50256, 16, ChatRenderer.forModel(model)),
                  false)
              .examples()
              .subList(0, 4);
      TrainingOptions options =
          TrainingOptions.builder()
              .optBatchSize(2)
              .optGradientAccumulationSteps(1)
              .optEpochs(1)
              .optMaxSteps(0)
              .optLearningRate(1e-3)
              .optWeightDecay(0)
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
              .build();
      assertThatThrownBy(
              () ->
                  new TrainingLoop(
                          loaded.block(),
                          new SftObjective(),
                          new FullWeights(loaded),
                          options,
                          manager)
                      .run(examples, r -> {}, s -> {}))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("the training loss became NaN at step 1")
          .satisfies(
              e ->
                  org.assertj.core.api.Assertions.assertThat(((TrainerException) e).exitCode())
                      .isEqualTo(TrainerExitCodes.CONFIG_ERROR));
    }
  }
}
