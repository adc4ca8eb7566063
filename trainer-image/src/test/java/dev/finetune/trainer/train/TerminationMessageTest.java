/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.api.v1alpha1.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminationMessageTest {
  /** The operator decides promotion on the termination message's evaluation: it must get there. */
  @Test
  void whatTheRunRanOnIsAddedAndTheEvaluationKept() {
    List<EvaluationResult> evaluation = List.of(new EvaluationResult("validation", "loss", 3, 2));
    TrainerResult result =
        new TrainerResult(
                "Succeeded",
                "/out/final",
                "model",
                2.5,
                2.0,
                10L,
                4L,
                null,
                9L,
                1L,
                null,
                null,
                null,
                null,
                null,
                4,
                null)
            .withEvaluation(evaluation);
    TrainerRuntime runtime = new TrainerRuntime("CPU (2 cores)", "PyTorch", "1 GiB");
    TrainerResult ran = TerminationMessage.ranOn(result, runtime);
    assertThat(ran.trainer()).isEqualTo(runtime);
    assertThat(ran.evaluation()).isEqualTo(evaluation);
    assertThat(ran).usingRecursiveComparison().ignoringFields("trainer").isEqualTo(result);
  }
}
