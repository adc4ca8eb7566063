/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.ResultStatus;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.observe.TrainerReport;
import dev.finetune.operator.status.TransitionEvents.PlannedEvent;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The promotion decision in status: condition Promoted, the headline of status.result, and the
 * Evaluated (and EvaluationGateFailed) Events, from the trainer's base-versus-tuned results.
 */
class PromotionTest {
  private static final StatusAggregator STATUS =
      new StatusAggregator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  private static final PhaseDecision RUNNING =
      new PhaseDecision(Phase.Running, Reasons.TRAINER_RUNNING, "running");
  private static final PhaseDecision SUCCEEDED =
      new PhaseDecision(Phase.Succeeded, Reasons.TRAINING_SUCCEEDED, "done");
  private static final PhaseDecision FAILED =
      new PhaseDecision(Phase.Failed, "DataError", "bad line 3");

  /** A job with a task and a validation split, and the given gate. */
  private static FineTuneJob job(String gate) {
    return TestJobs.fromYaml(
        TestJobs.MINIMAL.replace("format: text", "format: text\n    validationSplit: 0.1")
            + ("evaluation:\n"
                    + "  tasks: [{name: licenses, source: pvc://e/l.jsonl, type: multipleChoice}]\n"
                    + (gate.isEmpty() ? "" : "  gate: " + gate + "\n"))
                .indent(2));
  }

  /** licenses acc 0.25 → 0.375, validation loss 3.0 → 2.5: better on both. */
  private static List<EvaluationResult> better() {
    return List.of(
        new EvaluationResult("licenses", "acc", 0.25, 0.375),
        new EvaluationResult("licenses", "acc_norm", 0.5, 0.5),
        new EvaluationResult("validation", "loss", 3.0, 2.5));
  }

  /** The status of the reconcile that reads the trainer's result. */
  private static FineTuneJobStatus succeeded(FineTuneJob job, List<EvaluationResult> results) {
    job.setStatus(STATUS.next(job, RUNNING, true, List.of(), "t", 0));
    ResultStatus result = new ResultStatus();
    result.setSteps(20L);
    result.setEvaluation(results);
    return STATUS.next(
        job,
        SUCCEEDED,
        true,
        List.of(),
        "t",
        0,
        new TrainerReport(null, Optional.of(result), Optional.empty(), UnaryOperator.identity()));
  }

  @Test
  void aJobWithoutEvaluationHasNoPromotedCondition() {
    FineTuneJob job = TestJobs.minimal();
    FineTuneJobStatus done = STATUS.next(job, SUCCEEDED, true, List.of(), "t", 0);
    assertThat(done.getConditions())
        .extracting(Condition::getType)
        .doesNotContain(ConditionTypes.PROMOTED);
  }

  @Test
  void promotedIsUnknownWhileTheRunGoesOnAndFalseWhenItFails() {
    FineTuneJob job = job("{notWorseThanBase: true}");
    Condition running =
        condition(STATUS.next(job, RUNNING, true, List.of(), "t", 0), ConditionTypes.PROMOTED);
    assertThat(running.getStatus()).isEqualTo("Unknown");
    assertThat(running.getReason()).isEqualTo(Reasons.EVALUATION_PENDING);
    Condition failed =
        condition(STATUS.next(job, FAILED, true, List.of(), "t", 0), ConditionTypes.PROMOTED);
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getReason()).isEqualTo(Reasons.NOT_EVALUATED);
  }

  @Test
  void aGateThatFailsLeavesTheJobSucceededWithPromotedFalseAndTheNumbers() {
    FineTuneJob job = job("{rules: [{task: validation, metric: loss, minDelta: 100}]}");
    FineTuneJobStatus done = succeeded(job, better());

    assertThat(done.getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(condition(done, ConditionTypes.SUCCEEDED).getStatus()).isEqualTo("True");
    Condition promoted = condition(done, ConditionTypes.PROMOTED);
    assertThat(promoted.getStatus()).isEqualTo("False");
    assertThat(promoted.getReason()).isEqualTo(Reasons.EVALUATION_GATE_FAILED);
    assertThat(promoted.getMessage())
        .isEqualTo(
            "the tuned model failed the evaluation gate: validation loss: tuned 2.500 vs base"
                + " 3.000 (delta -0.5000), needs an improvement of at least 100.0");
    assertThat(done.getResult().getEvaluationHeadline())
        .isEqualTo("licenses acc +0.1250, not promoted");

    List<PlannedEvent> events = TransitionEvents.between(job.getStatus(), done);
    assertThat(events)
        .contains(
            new PlannedEvent(
                EventRecorder.Type.Normal,
                Reasons.EVALUATED,
                "licenses acc: tuned 0.3750 vs base 0.2500 (delta +0.1250); licenses acc_norm:"
                    + " tuned 0.5000 vs base 0.5000 (delta +0.000); validation loss: tuned 2.500"
                    + " vs base 3.000 (delta -0.5000). Not promoted (EvaluationGateFailed)"),
            new PlannedEvent(
                EventRecorder.Type.Warning, Reasons.EVALUATION_GATE_FAILED, promoted.getMessage()));
  }

  @Test
  void aGateThatPassesPromotesAndSaysOnWhatNumbers() {
    FineTuneJob job =
        job("{notWorseThanBase: true, rules: [{task: licenses, metric: acc, minDelta: 0.1}]}");
    FineTuneJobStatus done = succeeded(job, better());
    Condition promoted = condition(done, ConditionTypes.PROMOTED);
    assertThat(promoted.getStatus()).isEqualTo("True");
    assertThat(promoted.getReason()).isEqualTo(Reasons.EVALUATION_GATE_PASSED);
    assertThat(promoted.getMessage())
        .isEqualTo(
            "the tuned model passed the evaluation gate: licenses acc: tuned 0.3750 vs base"
                + " 0.2500 (delta +0.1250), an improvement of at least 0.1 needed; no metric"
                + " worse than the base: licenses acc: tuned 0.3750 vs base 0.2500 (delta"
                + " +0.1250), licenses acc_norm: tuned 0.5000 vs base 0.5000 (delta +0.000),"
                + " validation loss: tuned 2.500 vs base 3.000 (delta -0.5000)");
    assertThat(done.getResult().getEvaluationHeadline())
        .isEqualTo("licenses acc +0.1250, promoted");
    assertThat(TransitionEvents.between(job.getStatus(), done))
        .extracting(PlannedEvent::reason)
        .contains(Reasons.EVALUATED)
        .doesNotContain(Reasons.EVALUATION_GATE_FAILED);
  }

  @Test
  void notWorseThanBaseFailsOnAnyWorseMetricAndOnANumberThatIsMissing() {
    FineTuneJob job = job("{notWorseThanBase: true}");
    EvaluationResult diverged = new EvaluationResult();
    diverged.setTask("validation");
    diverged.setMetric("loss");
    diverged.setBase(3.0);
    Condition promoted =
        condition(
            succeeded(
                job,
                List.of(
                    new EvaluationResult("licenses", "acc", 0.5, 0.25),
                    new EvaluationResult("licenses", "acc_norm", 0.5, 0.5),
                    diverged)),
            ConditionTypes.PROMOTED);
    assertThat(promoted.getReason()).isEqualTo(Reasons.EVALUATION_GATE_FAILED);
    assertThat(promoted.getMessage())
        .isEqualTo(
            "the tuned model failed the evaluation gate: licenses acc: tuned 0.2500 vs base"
                + " 0.5000 (delta -0.2500), worse than the base; validation loss: tuned none vs"
                + " base 3.000 (delta n/a), not a number");
  }

  @Test
  void withoutAGateTheTunedModelIsPromoted() {
    for (String gate : List.of("", "{}", "{notWorseThanBase: false, rules: []}")) {
      FineTuneJobStatus done = succeeded(job(gate), better());
      Condition promoted = condition(done, ConditionTypes.PROMOTED);
      assertThat(promoted.getStatus()).as(gate).isEqualTo("True");
      assertThat(promoted.getReason()).as(gate).isEqualTo(Reasons.NO_GATE);
      assertThat(promoted.getMessage())
          .isEqualTo(
              "spec.evaluation has no gate: the tuned model is promoted (licenses acc +0.1250)");
    }
  }

  @Test
  void aResultWithoutTheEvaluationIsNotPromoted() {
    FineTuneJobStatus done = succeeded(job("{notWorseThanBase: true}"), null);
    Condition promoted = condition(done, ConditionTypes.PROMOTED);
    assertThat(promoted.getStatus()).isEqualTo("False");
    assertThat(promoted.getReason()).isEqualTo(Reasons.NOT_EVALUATED);
    assertThat(done.getResult().getEvaluationHeadline()).isEqualTo("not evaluated, not promoted");
  }

  @Test
  void theDecisionIsMadeOnceAndStandsWhenTheSpecChangesLater() {
    FineTuneJob job = job("{rules: [{task: validation, metric: loss, minDelta: 100}]}");
    FineTuneJobStatus done = succeeded(job, better());
    job.setStatus(done);
    // An API server without the CRD's CEL rules lets the gate be edited afterwards.
    job.getSpec().getEvaluation().getGate().getRules().get(0).setMinDelta(0.0);
    FineTuneJobStatus settled = STATUS.next(job, SUCCEEDED, true, List.of(), "t", 0);

    assertThat(settled).as("the same status: no write").isEqualTo(done);
    assertThat(condition(settled, ConditionTypes.PROMOTED).getReason())
        .isEqualTo(Reasons.EVALUATION_GATE_FAILED);
    assertThat(TransitionEvents.between(done, settled)).as("the Events came once").isEmpty();
  }

  @Test
  void theEvaluatedEventKeepsItsMessageShortAndCountsTheRest() {
    List<EvaluationResult> many = new java.util.ArrayList<>();
    for (int i = 0; i < 32; i++) {
      many.add(new EvaluationResult("task-" + i, "acc", 0.5, 0.75));
    }
    String summary =
        Promotion.summary(
            many, Optional.of(new Promotion.Verdict("True", Reasons.NO_GATE, "no gate")));
    assertThat(summary.length()).isLessThan(Promotion.MAX_SUMMARY + 150);
    assertThat(summary)
        .startsWith("task-0 acc: tuned 0.7500 vs base 0.5000 (delta +0.2500); task-1 acc")
        .matches(".*; \\d+ more in status.result.evaluation\\. Promoted \\(NoGate\\)$");
  }

  private static Condition condition(FineTuneJobStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }
}
