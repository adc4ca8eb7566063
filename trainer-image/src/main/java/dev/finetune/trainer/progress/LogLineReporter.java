/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.trainer.train.StepRecord;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/**
 * One line every N steps (and at the last step): {@code step 40/200 loss 2.3456 lr 1.96e-04
 * grad_norm 0.812 tokens/s 5120 eta 0:12:31}.
 */
public final class LogLineReporter implements StepReporter {
  /** The metrics the line shows in its own words. */
  private static final Set<String> SHOWN =
      Set.of(MetricNames.LOSS, MetricNames.GRAD_NORM, MetricNames.LOSS_SCALE);

  private final int every;
  private final long total;
  private final PrintStream out;

  public LogLineReporter(int every, long total, PrintStream out) {
    this.every = Math.max(1, every);
    this.total = total;
    this.out = out;
  }

  /** The metrics an objective logs besides the loss, e.g. DPO's rewards: " name value" each. */
  private static String objectiveMetrics(StepRecord r) {
    StringBuilder more = new StringBuilder();
    r.metricValues()
        .forEach(
            (name, value) -> {
              if (!SHOWN.contains(name)) {
                more.append(String.format(Locale.ROOT, " %s %.4g", name, value));
              }
            });
    return more.toString();
  }

  @Override
  public void step(StepRecord r, TrainerProgress p) {
    if (r.step() % every != 0 && r.step() != total) {
      return;
    }
    out.println(
        String.format(
                Locale.ROOT,
                "step %d/%d loss %.4f lr %.3g ",
                r.step(),
                total,
                r.loss(),
                r.learningRate())
            + (r.gradNorm() == null
                ? "skipped (float16 gradients overflowed at loss scale "
                    + String.format(Locale.ROOT, "%.0f", r.lossScale())
                    + ")"
                : String.format(Locale.ROOT, "grad_norm %.3f", r.gradNorm()))
            + objectiveMetrics(r)
            + (p.tokensPerSecond() == null
                ? ""
                : String.format(Locale.ROOT, " tokens/s %.0f", p.tokensPerSecond()))
            + (p.etaSeconds() == null ? "" : " eta " + clock(p.etaSeconds())));
  }

  @Override
  public void note(String line) {
    out.println(line);
  }

  @Override
  public void close() {
    out.flush();
  }

  /** Seconds as h:mm:ss. */
  static String clock(long seconds) {
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }
}
