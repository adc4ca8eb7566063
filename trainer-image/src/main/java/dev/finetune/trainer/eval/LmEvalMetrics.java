/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import java.util.List;

/**
 * lm-evaluation-harness 0.4.13's per-example metrics ({@code ConfigurableTask.process_results} in
 * lm_eval/api/task.py) and their aggregations (lm_eval/api/metrics.py), in double precision as
 * Python computes them.
 */
public final class LmEvalMetrics {
  private LmEvalMetrics() {}

  /** numpy's argmax: the first index of the largest value (a NaN counts as the largest). */
  static int argmax(double[] values) {
    int best = 0;
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        return i;
      }
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** multiple_choice {@code acc}: 1 when the most likely choice is the answer. */
  public static double acc(double[] logLikelihoods, int answer) {
    return argmax(logLikelihoods) == answer ? 1.0 : 0.0;
  }

  /**
   * multiple_choice {@code acc_norm}: 1 when the choice with the largest log-likelihood per
   * character is the answer. The length is Python's {@code len(choice)}: Unicode code points (not
   * UTF-16 units, not tokens, not bytes), of the choice without the target delimiter.
   */
  public static double accNorm(double[] logLikelihoods, List<String> choices, int answer) {
    double[] normalized = new double[logLikelihoods.length];
    for (int i = 0; i < normalized.length; i++) {
      String c = choices.get(i);
      normalized[i] = logLikelihoods[i] / (double) c.codePointCount(0, c.length());
    }
    return argmax(normalized) == answer ? 1.0 : 0.0;
  }

  /**
   * generate_until {@code exact_match} with its defaults (no regexes ignored, case, punctuation and
   * digits kept): the generation equals the expected text. numpy compares its fixed-width strings
   * without their trailing NUL characters.
   */
  public static double exactMatch(String prediction, String reference) {
    return stripTrailingNul(prediction).equals(stripTrailingNul(reference)) ? 1.0 : 0.0;
  }

  private static String stripTrailingNul(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\0') {
      end--;
    }
    return s.substring(0, end);
  }

  /** The {@code mean} aggregation: {@code sum(arr) / len(arr)}, summed in order. */
  public static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /**
   * The {@code perplexity} aggregation of loglikelihood tasks: {@code exp(-mean(ll))} over the
   * examples' summed continuation log-likelihoods (a per-example mean, not per token).
   */
  public static double perplexity(double[] logLikelihoods) {
    return Math.exp(-mean(logLikelihoods));
  }

  /**
   * {@code mean_stderr}: the sample standard deviation (n − 1) over √n; NaN for fewer than two
   * values (lm-eval reports "N/A").
   */
  public static double meanStderr(double[] values) {
    int n = values.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mu = mean(values);
    double squares = 0;
    for (double v : values) {
      squares += (v - mu) * (v - mu);
    }
    return Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
  }
}
