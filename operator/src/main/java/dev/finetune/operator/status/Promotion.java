/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.protocol.PromotionGate;
import dev.finetune.api.v1alpha1.EvaluationGate;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.EvaluationSpec;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.GateRule;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.ResultStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The promotion decision: whether the tuned model passes spec.evaluation.gate, from the base and
 * tuned numbers the trainer reported in its result ({@link PromotionGate} applies the rules). It is
 * made once, when the result is first read, and kept in condition Promoted, which a step that
 * publishes the model reads; the job's phase does not depend on it (a model that fails the gate
 * still ends Succeeded).
 */
public final class Promotion {
  /** At most this much of the results goes into the Evaluated Event's message. */
  static final int MAX_SUMMARY = 700;

  /**
   * The verdict on a result.
   *
   * @param status True, False or Unknown
   */
  public record Verdict(String status, String reason, String message) {
    boolean promoted() {
      return "True".equals(status);
    }
  }

  private Promotion() {}

  /**
   * What condition Promoted says for {@code status} (whose result is already set), or empty for a
   * job without spec.evaluation. Once a result was read before ({@code previous} has it), the
   * previous verdict stands: a gate edited afterwards (which the CRD forbids, but an API server
   * that skips validation allows) does not change a decision already made.
   */
  static Optional<Verdict> verdict(
      FineTuneJob job, FineTuneJobStatus status, FineTuneJobStatus previous, Phase phase) {
    EvaluationSpec evaluation = job.getSpec() == null ? null : job.getSpec().getEvaluation();
    if (evaluation == null) {
      return Optional.empty();
    }
    if (previous.getResult() != null && previous.getConditions() != null) {
      Optional<Verdict> kept =
          previous.getConditions().stream()
              .filter(c -> ConditionTypes.PROMOTED.equals(c.getType()))
              .filter(c -> !"Unknown".equals(c.getStatus()))
              .map(c -> new Verdict(c.getStatus(), c.getReason(), c.getMessage()))
              .findFirst();
      if (kept.isPresent()) {
        return kept;
      }
    }
    if (status.getResult() != null) {
      return Optional.of(of(evaluation.getGate(), status.getResult().getEvaluation()));
    }
    if (phase == Phase.Succeeded) {
      return Optional.of(
          new Verdict(
              "False",
              Reasons.NOT_EVALUATED,
              "the trainer's result was not found, so the tuned model was not compared with the"
                  + " base; it is not promoted"));
    }
    if (phase == Phase.Failed) {
      return Optional.of(
          new Verdict(
              "False",
              Reasons.NOT_EVALUATED,
              "the run failed before the tuned model was compared with the base"));
    }
    return Optional.of(
        new Verdict(
            "Unknown",
            Reasons.EVALUATION_PENDING,
            "the trainer compares the tuned model with the base after the last step"));
  }

  /** The verdict of {@code gate} on a succeeded run's {@code results} (null: none reported). */
  public static Verdict of(EvaluationGate gate, List<EvaluationResult> results) {
    if (results == null || results.isEmpty()) {
      return new Verdict(
          "False",
          Reasons.NOT_EVALUATED,
          "the trainer's result holds no evaluation (a trainer image older than spec.evaluation,"
              + " or more results than its termination message can hold: they are in"
              + " evaluation.json beside the model); the tuned model is not promoted");
    }
    if (!checksSomething(gate)) {
      return new Verdict(
          "True",
          Reasons.NO_GATE,
          "spec.evaluation has no gate: the tuned model is promoted ("
              + PromotionGate.headline(results)
              + ")");
    }
    List<String> failures = PromotionGate.failures(gate, results);
    if (!failures.isEmpty()) {
      return new Verdict(
          "False",
          Reasons.EVALUATION_GATE_FAILED,
          "the tuned model failed the evaluation gate: " + String.join("; ", failures));
    }
    return new Verdict(
        "True",
        Reasons.EVALUATION_GATE_PASSED,
        "the tuned model passed the evaluation gate: " + String.join("; ", passed(gate, results)));
  }

  /** "licenses acc +0.125, promoted": the first result's change and the verdict. */
  static String headline(List<EvaluationResult> results, Verdict verdict) {
    String first = results == null ? null : PromotionGate.headline(results);
    return (first == null ? "not evaluated" : first)
        + (verdict.promoted() ? ", promoted" : ", not promoted");
  }

  /**
   * The Evaluated Event's message: each result as base against tuned (as many as fit, the rest
   * counted), then the verdict.
   */
  static String summary(List<EvaluationResult> results, Optional<Verdict> verdict) {
    StringBuilder text = new StringBuilder();
    int shown = 0;
    for (EvaluationResult r : results) {
      String one = PromotionGate.describe(r);
      if (shown > 0 && text.length() + one.length() > MAX_SUMMARY) {
        break;
      }
      text.append(shown == 0 ? "" : "; ").append(one);
      shown++;
    }
    if (shown < results.size()) {
      text.append("; ").append(results.size() - shown).append(" more in status.result.evaluation");
    }
    verdict.ifPresent(
        v ->
            text.append(
                v.promoted()
                    ? ". Promoted (" + v.reason() + ")"
                    : ". Not promoted (" + v.reason() + ")"));
    return text.toString();
  }

  /** Whether the gate has anything to check: notWorseThanBase, or a rule. */
  static boolean checksSomething(EvaluationGate gate) {
    return gate != null
        && (Boolean.TRUE.equals(gate.getNotWorseThanBase())
            || (gate.getRules() != null && !gate.getRules().isEmpty()));
  }

  /** The numbers a passed gate looked at: each rule's result, and notWorseThanBase's scope. */
  private static List<String> passed(EvaluationGate gate, List<EvaluationResult> results) {
    List<String> passed = new ArrayList<>();
    if (gate.getRules() != null) {
      for (GateRule rule : gate.getRules()) {
        results.stream()
            .filter(r -> rule.getTask().equals(r.getTask()))
            .filter(r -> rule.getMetric().equals(r.getMetric()))
            .findFirst()
            .ifPresent(
                r ->
                    passed.add(
                        PromotionGate.describe(r)
                            + ", an improvement of at least "
                            + (rule.getMinDelta() == null ? 0.0 : rule.getMinDelta())
                            + " needed"));
      }
    }
    if (Boolean.TRUE.equals(gate.getNotWorseThanBase())) {
      passed.add(
          results.size() <= 4
              ? "no metric worse than the base: "
                  + String.join(", ", results.stream().map(PromotionGate::describe).toList())
              : "no metric worse than the base (" + results.size() + " compared)");
    }
    return passed;
  }

  /** The result's evaluation, or empty. */
  static List<EvaluationResult> results(ResultStatus result) {
    return result == null || result.getEvaluation() == null ? List.of() : result.getEvaluation();
  }
}
