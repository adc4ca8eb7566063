/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 3-step full fine-tune of SEMANTICS.md section 6 (AdamW lr 1e-3, no clipping, constant lr,
 * batch 4, max length 64, first 12 lines in order) against the reference step losses, gradient
 * norms and final evaluation loss.
 */
class TrainingParityFixtureTest {
  @ParameterizedTest
  @MethodSource("dev.finetune.trainer.FixtureModels#all")
  void threeStepsMatchTheReference(String name, @TempDir Path out) throws Exception {
    JsonNode expected = Fixtures.expected(name);
    JsonNode parity = expected.get("train_parity");
    JsonNode optimizer = parity.get("optimizer");
    Path modelDir = Fixtures.model(name);
    Path first12 = out.resolve("first12.jsonl");
    Files.write(
        first12,
        Files.readAllLines(Fixtures.data("text.jsonl"))
            .subList(0, parity.get("first_n_lines").asInt()));

    List<StepRecord> records = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(modelDir)) {
      ModelLoader.LoadedModel model = ModelLoader.load(modelDir, manager);
      List<Example> examples =
          Datasets.load(
                  first12,
                  DataFormat.TEXT,
                  builder(tokenizer, model, parity.get("max_length").asInt()),
                  false)
              .examples();
      TrainingOptions options =
          TrainingOptions.builder()
              .optBatchSize(parity.get("batch_size").asInt())
              .optGradientAccumulationSteps(1)
              .optEpochs(1)
              .optMaxSteps(parity.get("steps").asLong())
              .optLearningRate(optimizer.get("lr").asDouble())
              .optWeightDecay(optimizer.get("weight_decay").asDouble())
              .optBeta1(optimizer.get("betas").get(0).asDouble())
              .optBeta2(optimizer.get("betas").get(1).asDouble())
              .optEps(optimizer.get("eps").asDouble())
              .optMaxGradNorm(0)
              .optScheduler(LrSchedule.Kind.CONSTANT)
              .optWarmupSteps(0)
              .optWarmupRatio(0)
              .optSeed(42)
              .optShuffle(false)
              .optEvalEverySteps(0)
              .build();
      new TrainingLoop(model.block(), new SftObjective(), new FullWeights(model), options, manager)
          .run(examples, records::add, step -> {});

      double stepTolerance = expected.at("/tolerance/step_loss_abs").asDouble();
      for (int i = 0; i < records.size(); i++) {
        StepRecord r = records.get(i);
        assertThat(r.step()).isEqualTo(i + 1);
        assertThat(r.loss())
            .as("step %d loss", i + 1)
            .isCloseTo(parity.get("step_losses").get(i).asDouble(), within(stepTolerance));
        assertThat(r.tokens()).isEqualTo(parity.get("step_tokens").get(i).asLong());
        assertThat(r.gradNorm())
            .as("step %d grad norm", i + 1)
            .isCloseTo(parity.get("grad_norms_before_clip").get(i).asDouble(), within(1e-4));
      }
      assertThat(records).hasSize(3);

      JsonNode finalEval = parity.get("final_eval");
      var eval =
          Datasets.load(
                  Fixtures.data("eval_text.jsonl"),
                  DataFormat.TEXT,
                  builder(tokenizer, model, finalEval.get("max_length").asInt()),
                  false)
              .examples();
      Evaluator.Score score =
          new Evaluator(new SftObjective(), 8).evaluate(model.block(), eval, manager);
      assertThat(score.tokens()).isEqualTo(finalEval.get("tokens").asLong());
      assertThat(score.loss())
          .isCloseTo(
              finalEval.get("loss").asDouble(),
              within(expected.at("/tolerance/final_eval_loss_abs").asDouble()));
    }
  }

  private static ExampleBuilder builder(
      TextTokenizer tokenizer, ModelLoader.LoadedModel model, int maxLength) {
    return new ExampleBuilder(
        tokenizer,
        model.block().config().eosTokenId(),
        maxLength,
        ChatRenderer.forModel(model.directory()));
  }
}
