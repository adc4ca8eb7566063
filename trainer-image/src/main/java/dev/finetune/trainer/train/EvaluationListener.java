/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.trainer.data.Example;
import java.util.List;

/** Scores the validation examples whenever an evaluation is due, into the run's history. */
public final class EvaluationListener implements TrainingListener {
  private final Evaluator evaluator;
  private final List<Example> examples;

  public EvaluationListener(Evaluator evaluator, List<Example> examples) {
    this.evaluator = evaluator;
    this.examples = List.copyOf(examples);
  }

  @Override
  public void onEvaluationDue(TrainingRun run, long step) {
    if (examples.isEmpty()) {
      return;
    }
    Evaluator.Score score = evaluator.evaluate(run.model(), examples, run.manager());
    run.evaluated(StepRecord.eval(step, (double) step / run.stepsPerEpoch(), score.metrics()));
  }
}
