/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.trainer.train.StepRecord;
import dev.finetune.trainer.train.TrainingListener;
import dev.finetune.trainer.train.TrainingRun;
import java.nio.file.Path;

/** Feeds the progress tracker behind {@code /progress} and {@code /metrics}. */
public final class ProgressListener implements TrainingListener {
  private final ProgressTracker tracker;

  public ProgressListener(ProgressTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public void onDevicesChecked(TrainerRuntime runtime) {
    tracker.ranOn(runtime);
  }

  @Override
  public void onTrainingBegin(TrainingRun run) {
    tracker.started(
        run.startStep(),
        run.totalSteps(),
        run.resumed() ? run.startStep() : null,
        run.state(run.startStep()).skippedSteps(),
        run.microBatch());
  }

  @Override
  public void onMicroBatchChange(TrainingRun run, int size) {
    tracker.microBatchChanged(size);
  }

  @Override
  public void onStep(TrainingRun run, StepRecord record) {
    tracker.step(record);
  }

  @Override
  public void onEvaluation(TrainingRun run, StepRecord evaluation) {
    tracker.evaluated(evaluation);
  }

  @Override
  public void onCheckpoint(TrainingRun run, long step, Path path) {
    tracker.checkpointed(step, path.toString());
  }
}
