/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import dev.finetune.api.v1alpha1.EvaluationGate;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.GateRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a tuned model passes its evaluation gate: each rule's improvement over the base (in the
 * metric's better direction) is at least its minDelta, and with notWorseThanBase no metric is
 * worse. The operator applies it to the trainer's results; the validator checks up front that every
 * rule names a task and metric that will be reported.
 */
public final class PromotionGate {
  /** The task name of the validation loss, which every evaluation with validation data reports. */
  public static final String VALIDATION_TASK = "validation";

  /** The validation task's metric. */
  public static final String VALIDATION_METRIC = "loss";

  private PromotionGate() {}

  /** Whether a larger value of {@code metric} is better (accuracies) or a smaller one (losses). */
  public static boolean higherIsBetter(String metric) {
    return !(metric.equals("perplexity") || metric.endsWith("loss"));
  }

  /** How much better tuned is than base: delta, or −delta for a lower-is-better metric. */
  public static double improvement(EvaluationResult r) {
    double delta = r.getTuned() - r.getBase();
    return higherIsBetter(r.getMetric()) ? delta : -delta;
  }

  /**
   * Every way the results fail the gate, each with its numbers; empty when the model passes (and
   * always when there is no gate). A value that is missing or not a finite number (a diverged loss)
   * never passes: under notWorseThanBase, or under a rule on its metric, it is a failure.
   */
  public static List<String> failures(EvaluationGate gate, List<EvaluationResult> results) {
    List<String> failures = new ArrayList<>();
    if (gate == null) {
      return failures;
    }
    if (Boolean.TRUE.equals(gate.getNotWorseThanBase())) {
      for (EvaluationResult r : results) {
        if (!measured(r)) {
          failures.add(describe(r) + ", not a number");
        } else if (improvement(r) < 0) {
          failures.add(describe(r) + ", worse than the base");
        }
      }
    }
    if (gate.getRules() != null) {
      for (GateRule rule : gate.getRules()) {
        EvaluationResult r = find(results, rule.getTask(), rule.getMetric());
        double min = rule.getMinDelta() != null ? rule.getMinDelta() : 0;
        if (r == null) {
          failures.add(rule.getTask() + " " + rule.getMetric() + " was not evaluated");
        } else if (!measured(r)) {
          failures.add(describe(r) + ", not a number");
        } else if (!(improvement(r) >= min)) {
          failures.add(
              describe(r)
                  + String.format(
                      Locale.ROOT, ", needs an improvement of at least %s", number(min)));
        }
      }
    }
    return failures;
  }

  /** Whether both values are there and finite, so that the difference means something. */
  public static boolean measured(EvaluationResult r) {
    return r.getBase() != null
        && r.getTuned() != null
        && Double.isFinite(r.getBase())
        && Double.isFinite(r.getTuned());
  }

  /** "licenses acc: tuned 0.25 vs base 0.5 (delta -0.25)". */
  public static String describe(EvaluationResult r) {
    return String.format(
        Locale.ROOT,
        "%s %s: tuned %s vs base %s (delta %s)",
        r.getTask(),
        r.getMetric(),
        number(r.getTuned()),
        number(r.getBase()),
        measured(r) ? signed(r.getTuned() - r.getBase()) : "n/a");
  }

  /** The headline of an evaluation: the first result, e.g. "licenses acc +0.125". */
  public static String headline(List<EvaluationResult> results) {
    if (results == null || results.isEmpty()) {
      return null;
    }
    EvaluationResult r = results.get(0);
    return r.getTask()
        + " "
        + r.getMetric()
        + " "
        + (measured(r) ? signed(r.getTuned() - r.getBase()) : "n/a");
  }

  private static EvaluationResult find(List<EvaluationResult> results, String task, String metric) {
    for (EvaluationResult r : results) {
      if (r.getTask().equals(task) && r.getMetric().equals(metric)) {
        return r;
      }
    }
    return null;
  }

  private static String number(Double v) {
    return v == null ? "none" : String.format(Locale.ROOT, "%.4g", v);
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "") + number(v);
  }
}
