/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.trainer.train.StepRecord;
import dev.finetune.trainer.train.TrainingListener;
import dev.finetune.trainer.train.TrainingRun;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What a person sees: a progress bar or log lines per step, and a line per evaluation and
 * checkpoint. Put it after the {@link ProgressListener} whose view (ETA, tokens/s) it prints.
 */
public final class ConsoleListener implements TrainingListener, AutoCloseable {
  private final boolean allowBar;
  private final int logEverySteps;
  private final Supplier<TrainerProgress> progress;
  private StepReporter reporter;

  /**
   * @param allowBar a bar when on an interactive terminal; false prints lines everywhere
   * @param logEverySteps the interval of log lines
   * @param progress the tracker's view after each step
   */
  public ConsoleListener(boolean allowBar, int logEverySteps, Supplier<TrainerProgress> progress) {
    this.allowBar = allowBar;
    this.logEverySteps = logEverySteps;
    this.progress = progress;
  }

  @Override
  public void onTrainingBegin(TrainingRun run) {
    reporter = StepReporter.forConsole(allowBar, run.startStep(), run.totalSteps(), logEverySteps);
  }

  @Override
  public void onStep(TrainingRun run, StepRecord record) {
    reporter.step(record, progress.get());
  }

  @Override
  public void onEvaluation(TrainingRun run, StepRecord evaluation) {
    StringBuilder line = new StringBuilder("step " + evaluation.step());
    evaluation
        .metricValues()
        .forEach(
            (name, value) -> {
              if (!name.equals(MetricNames.EVAL_TOKENS)) {
                line.append(String.format(Locale.ROOT, " %s %.4f", name, value));
              }
            });
    reporter.note(line.toString());
  }

  @Override
  public void onMicroBatchChange(TrainingRun run, int size) {
    reporter.note("out of memory: micro-batches of " + size + " examples from now on");
  }

  @Override
  public void onCheckpoint(TrainingRun run, long step, Path path) {
    reporter.note("saved " + path);
  }

  @Override
  public void onNote(TrainingRun run, String line) {
    reporter.note(line);
  }

  @Override
  public void onTrainingEnd(TrainingRun run, long stepsDone) {
    close();
  }

  /** Ends the bar (also when the run failed). */
  @Override
  public void close() {
    if (reporter != null) {
      reporter.close();
      reporter = null;
    }
  }
}
