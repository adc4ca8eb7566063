/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validation split, early stopping and the best model on tiny-gpt2: 40 lines, 20% held out by the
 * seed, a learning rate high enough that the eval loss falls to its lowest at step 8 and then rises
 * (eval losses 7.47, 6.82, 6.75, 6.71, 6.57, 6.50, 6.53, 6.48, 6.63, 6.80, 6.83, 6.83).
 */
class EarlyStoppingFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  private static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = shared.resolve("text40.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 40));
  }

  private static TrainRequest.Builder request(Path out, int patience, double minDelta) {
    TrainRequest.Builder b = TrainRequest.builder();
    b.inputs()
        .setModel(Fixtures.model("tiny-gpt2").toString())
        .setData(data.toString())
        .setFormat(DataFormat.TEXT)
        .optMaxLength(32)
        .optValidationSplit(0.2);
    b.checkpointing().setOutput(out).optSaveEverySteps(5).optSaveTotalLimit(1);
    b.reporting().optProgressBar(false);
    b.training()
        .optEarlyStopping(new EarlyStopping(patience, minDelta))
        .optLearningRate(1e-2)
        .optBatchSize(4)
        .optMaxSteps(12)
        .optEvalEverySteps(1)
        .optScheduler(LrSchedule.Kind.CONSTANT);
    return b;
  }

  @Test
  void stopsWhenTheEvalLossStopsImprovingAndTheBestModelBecomesFinal(@TempDir Path out)
      throws Exception {
    TrainerResult result = new TrainRunner(request(out, 3, 0).build()).run(List.of());

    assertThat(result.stoppedEarly()).isTrue();
    assertThat(result.bestStep()).isEqualTo(8);
    assertThat(result.steps()).as("steps 9, 10, 11 did not improve").isEqualTo(11);
    assertThat(result.evalLoss())
        .as("the reported loss is the best model's")
        .isEqualTo(result.bestEvalLoss());
    assertThat(result.trainExamples()).isEqualTo(32);
    assertThat(result.validationExamples()).isEqualTo(8);

    JsonNode state = JSON.readTree(out.resolve("trainer_state.json").toFile());
    assertThat(state.get("global_step").asLong()).isEqualTo(11);
    assertThat(state.get("train_examples").asLong()).isEqualTo(32);
    assertThat(state.get("eval_examples").asLong()).isEqualTo(8);
    assertThat(evalLosses(state)).hasSize(11);
    assertThat(result.bestEvalLoss()).isEqualTo(evalLosses(state).get(7));

    // keepLast 1 keeps the newest periodic checkpoint and, beside it, the best one.
    assertThat(out.resolve("checkpoint-10")).isDirectory();
    assertThat(out.resolve("checkpoint-5")).doesNotExist();
    assertThat(out.resolve("checkpoint-8")).isDirectory();
    assertThat(
            Files.mismatch(
                out.resolve("final/model.safetensors"),
                out.resolve("checkpoint-8/model.safetensors")))
        .as("final/ holds the weights of step 8")
        .isEqualTo(-1L);
  }

  @Test
  void aDecreaseSmallerThanMinDeltaIsNotAnImprovement(@TempDir Path out) {
    // Step 7 rises, step 8 falls by 0.02 < 0.05: evaluations 7, 8, 9 count as no improvement,
    // yet step 8 is still the best model.
    TrainerResult result = new TrainRunner(request(out, 3, 0.05).build()).run(List.of());
    assertThat(result.steps()).isEqualTo(9);
    assertThat(result.bestStep()).isEqualTo(8);
    assertThat(result.stoppedEarly()).isTrue();
  }

  @Test
  void aRunStoppedAndResumedEndsAsTheUninterruptedOne(@TempDir Path dir) throws Exception {
    Path whole = dir.resolve("whole");
    new TrainRunner(request(whole, 3, 0).build()).run(List.of());

    Path resumed = dir.resolve("resumed");
    TrainingListener stopAfterStep9 =
        new TrainingListener() {
          private long last;

          @Override
          public void onStep(TrainingRun run, StepRecord record) {
            last = record.step();
          }

          @Override
          public boolean stopRequested() {
            return last == 9;
          }
        };
    assertThatThrownBy(
            () -> new TrainRunner(request(resumed, 3, 0).build()).run(List.of(stopAfterStep9)))
        .isInstanceOf(TrainerException.class)
        .satisfies(e -> assertThat(((TrainerException) e).exitCode()).isEqualTo(143));
    assertThat(resumed.resolve("checkpoint-9")).isDirectory();

    TrainerResult result = new TrainRunner(request(resumed, 3, 0).build()).run(List.of());

    assertThat(result.bestStep()).isEqualTo(8);
    assertThat(result.steps()).isEqualTo(11);
    JsonNode a = JSON.readTree(whole.resolve("trainer_state.json").toFile());
    JsonNode b = JSON.readTree(resumed.resolve("trainer_state.json").toFile());
    assertThat(b.get("log_history"))
        .as("same split, same steps, same evaluations")
        .isEqualTo(a.get("log_history"));
    assertThat(
            Files.mismatch(
                whole.resolve("final/model.safetensors"),
                resumed.resolve("final/model.safetensors")))
        .isEqualTo(-1L);
  }

  @Test
  void aRunEndingBetweenEpochsEvaluatesAtItsLastStep(@TempDir Path out) throws Exception {
    TrainRequest.Builder b = request(out, 3, 0);
    b.training().optMaxSteps(3).optEvalEverySteps(0);
    new TrainRunner(b.build()).run(List.of());
    JsonNode state = JSON.readTree(out.resolve("trainer_state.json").toFile());
    assertThat(evaluations(state).stream().map(h -> h.get("step").asLong()).toList())
        .as("8 steps make an epoch; the run stops at 3")
        .containsExactly(3L);
  }

  private static List<Double> evalLosses(JsonNode state) {
    return evaluations(state).stream().map(h -> h.get("eval_loss").asDouble()).toList();
  }

  private static List<JsonNode> evaluations(JsonNode state) {
    List<JsonNode> out = new ArrayList<>();
    state
        .get("log_history")
        .forEach(
            h -> {
              if (h.has("eval_loss")) {
                out.add(h);
              }
            });
    return out;
  }
}
