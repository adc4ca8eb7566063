/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.finetune.trainer.train.StepRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tags of a log_history entry are transformers' TensorBoardCallback's: rewrite_logs over every
 * number of the entry but its step (transformers 5.17, integrations/integration_utils.py).
 */
class TensorBoardListenerTest {

  @Test
  void aTrainingStepsScalarsAreTaggedTrain() {
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("loss", 2.5);
    metrics.put("grad_norm", 0.75);
    StepRecord step = StepRecord.train(7, 0.35, 2e-4, 250, metrics);
    assertThat(TensorBoardListener.tags(step))
        .containsExactly(
            entry("train/epoch", 0.35),
            entry("train/learning_rate", 2e-4),
            entry("train/tokens", 250.0),
            entry("train/loss", 2.5),
            entry("train/grad_norm", 0.75));
  }

  @Test
  void aSkippedFloat16StepIsMarkedAsPythonWouldWriteTrue() {
    StepRecord step =
        StepRecord.skipped(3, 0.1, 1e-3, 96, Map.of("loss", 4.0, "loss_scale", 32768));
    assertThat(TensorBoardListener.tags(step))
        .contains(
            entry("train/skipped", 1.0),
            entry("train/loss_scale", 32768.0),
            entry("train/loss", 4.0))
        .doesNotContainKey("train/grad_norm");
  }

  @Test
  void dpoMetricsKeepTheirSlashes() {
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("loss", 0.6931);
    metrics.put("rewards/chosen", 0.01);
    metrics.put("rewards/margins", 0.02);
    metrics.put("logps/rejected", -42.5);
    assertThat(TensorBoardListener.tags(StepRecord.train(1, 0.5, 1e-6, 80, metrics)))
        .contains(
            entry("train/rewards/chosen", 0.01),
            entry("train/rewards/margins", 0.02),
            entry("train/logps/rejected", -42.5));
    assertThat(
            TensorBoardListener.tags(
                StepRecord.eval(1, 0.5, Map.of("rewards/accuracies", 0.75, "loss", 0.69))))
        .contains(entry("eval/rewards/accuracies", 0.75), entry("eval/loss", 0.69));
  }

  @Test
  void anEvaluationsMetricsAreTaggedEvalAndItsEpochTrain() {
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("loss", 3.25);
    metrics.put("tokens", 2919);
    assertThat(TensorBoardListener.tags(StepRecord.eval(20, 0.2632, metrics)))
        .containsExactly(
            entry("train/epoch", 0.2632), entry("eval/loss", 3.25), entry("eval/tokens", 2919.0));
  }
}
