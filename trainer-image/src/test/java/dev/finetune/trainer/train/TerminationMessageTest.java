/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.api.v1alpha1.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /**
   * Kubernetes keeps 4096 bytes of a termination message: an evaluation of many tasks is made to
   * fit rather than cut (a cut message is no JSON, and the whole result would be lost).
   */
  @Test
  void aLargeEvaluationIsMadeToFitAndOneThatCannotIsLeftOutWholly() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<EvaluationResult> many = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String task = "task-" + i + "-" + "x".repeat(30);
      many.add(new EvaluationResult(task, "acc", 1 / 3.0, 2 / 3.0));
      many.add(new EvaluationResult(task, "acc_norm", 0.1, 0.30000000000000004));
    }
    many.add(new EvaluationResult("validation", "loss", 5.616907592773438, 1.248880126953125));
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
                Map.of("loss", 2.5, "eval_loss", 2.0),
                4,
                null)
            .withEvaluation(many);
    assertThat(json.writeValueAsBytes(result).length).isGreaterThan(TerminationMessage.MAX_BYTES);

    byte[] bytes = TerminationMessage.bytes(result);
    assertThat(bytes.length).isLessThanOrEqualTo(TerminationMessage.MAX_BYTES);
    TrainerResult back = json.readValue(bytes, TrainerResult.class);
    assertThat(back.evaluation()).hasSize(33);
    assertThat(back.evaluation().get(0).getBase()).isEqualTo(0.333333);
    assertThat(back.evaluation().get(0).getDelta()).as("the operator computes it").isNull();
    assertThat(back.evaluation().get(32).getTuned()).isEqualTo(1.24888);
    assertThat(back.steps()).isEqualTo(4L);

    List<EvaluationResult> tooMany = new ArrayList<>(many);
    tooMany.addAll(many);
    byte[] without = TerminationMessage.bytes(result.withEvaluation(tooMany));
    assertThat(without.length).isLessThanOrEqualTo(TerminationMessage.MAX_BYTES);
    TrainerResult lost = json.readValue(without, TrainerResult.class);
    assertThat(lost.evaluation()).as("left out whole, never in part").isNull();
    assertThat(lost.metrics()).isNull();
    assertThat(lost.outputDir()).isEqualTo("/out/final");

    TrainerResult small = result.withEvaluation(many.subList(0, 3));
    assertThat(TerminationMessage.bytes(small))
        .as("one that fits is written as it is")
        .isEqualTo(json.writeValueAsBytes(small));
  }
}
