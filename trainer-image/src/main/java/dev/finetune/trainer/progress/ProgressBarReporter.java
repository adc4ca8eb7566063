/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.trainer.train.StepRecord;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar: steps done, elapsed and ETA (the bar's own), loss and tokens/s. */
final class ProgressBarReporter implements StepReporter {
  private final ProgressBar bar;

  ProgressBarReporter(long startStep, long totalSteps) {
    this.bar =
        new ProgressBarBuilder()
            .setTaskName("train")
            .setInitialMax(totalSteps)
            .startsFrom(startStep, Duration.ZERO)
            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
            .setUpdateIntervalMillis(250)
            .continuousUpdate()
            .build();
  }

  @Override
  public void step(StepRecord r, TrainerProgress p) {
    bar.stepTo(r.step());
    bar.setExtraMessage(
        String.format(Locale.ROOT, " loss %.4f", r.loss())
            + (p.tokensPerSecond() == null
                ? ""
                : String.format(Locale.ROOT, " %.0f tok/s", p.tokensPerSecond())));
  }

  @Override
  public void note(String line) {
    // Printed above the bar, which redraws on the next update.
    System.out.println("\r" + line);
  }

  @Override
  public void close() {
    bar.close();
  }
}
