/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log entry is a fixed core plus metrics written flat beside it, as Hugging Face's log_history:
 * an objective's own metric names go through trainer_state.json and back without a new field.
 */
class StepRecordTest {
  @Test
  void metricsAreWrittenFlatAndReadBackByName(@TempDir Path dir) throws Exception {
    Map<String, Number> metrics = new LinkedHashMap<>();
    metrics.put("loss", 0.6931);
    metrics.put("grad_norm", 1.5);
    metrics.put("rewards/chosen", -0.25);
    StepRecord step = StepRecord.train(3, 0.5, 1e-4, 212, metrics);
    StepRecord eval = StepRecord.eval(3, 0.5, Map.of("loss", 0.7, "tokens", 1550));
    Path file = dir.resolve("trainer_state.json");
    new TrainerState(3, 6, 1.0, List.of(step, eval), 12L, 4L, null, 2).write(file);

    JsonNode written = new ObjectMapper().readTree(file.toFile()).get("log_history");
    assertThat(written.get(0).get("rewards/chosen").asDouble()).isEqualTo(-0.25);
    assertThat(written.get(0).get("learning_rate").asDouble()).isEqualTo(1e-4);
    assertThat(written.get(0).has("metrics")).as("no nested map").isFalse();
    assertThat(written.get(0).has("evaluation")).as("no derived property").isFalse();
    assertThat(written.get(1).get("eval_tokens").asLong()).isEqualTo(1550);
    assertThat(written.get(1).has("tokens")).as("an evaluation has no step tokens").isFalse();

    List<StepRecord> read = TrainerState.read(file).logHistory();
    assertThat(read.get(0).metric("rewards/chosen")).isEqualTo(-0.25);
    assertThat(read.get(0).loss()).isEqualTo(0.6931);
    assertThat(read.get(0).isEvaluation()).isFalse();
    assertThat(read.get(1).isEvaluation()).isTrue();
    assertThat(read.get(1).evalLoss()).isEqualTo(0.7);
    assertThat(read.get(1).metricValues()).containsOnlyKeys("eval_loss", "eval_tokens");
  }
}
