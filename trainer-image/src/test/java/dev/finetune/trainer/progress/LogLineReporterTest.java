/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.trainer.train.StepRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLineReporterTest {
  @Test
  void printsEveryNthStepAndTheLastWithThroughputAndEta() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LogLineReporter reporter =
        new LogLineReporter(4, 10, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    for (long step = 1; step <= 10; step++) {
      reporter.step(
          StepRecord.train(step, step / 10.0, 1e-4, 100, Map.of("loss", 2.5, "grad_norm", 0.5)),
          new TrainerProgress(
              "Running",
              step,
              10,
              step / 10.0,
              2.5,
              null,
              1e-4,
              step < 3 ? null : 1234.4,
              step * 100,
              3725L,
              List.of(),
              null,
              null,
              Map.of(),
              null,
              null));
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly(
            "step 4/10 loss 2.5000 lr 0.000100 grad_norm 0.500 tokens/s 1234 eta 1:02:05",
            "step 8/10 loss 2.5000 lr 0.000100 grad_norm 0.500 tokens/s 1234 eta 1:02:05",
            "step 10/10 loss 2.5000 lr 0.000100 grad_norm 0.500 tokens/s 1234 eta 1:02:05");
  }
}
