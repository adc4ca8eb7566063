/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.finetune.api.v1alpha1.EvaluationResult;
import java.util.List;
import java.util.Map;

/**
 * The final result, written by the trainer as JSON to its termination-message file (at most a few
 * hundred bytes: Kubernetes keeps 4096).
 *
 * @param status Succeeded or Failed
 * @param outputDir where the model or adapter was written (a path inside the pod)
 * @param layout model (Hugging Face layout) or adapter (PEFT layout)
 * @param trainLoss final training loss
 * @param evalLoss final validation loss, or null
 * @param trainedTokens tokens trained on
 * @param steps optimizer steps done
 * @param error on failure, a one-line reason
 * @param trainExamples examples trained on (after a validation split)
 * @param validationExamples examples validated on (a validation file or split), or null
 * @param bestStep with early stopping: the step of the lowest eval loss, whose weights are the
 *     output
 * @param bestEvalLoss with early stopping: that loss
 * @param stoppedEarly with early stopping: whether it ended the run before its last step
 * @param skippedSteps float16 mixed precision: steps skipped because their gradients overflowed
 * @param metrics the final value of every metric, under Hugging Face's names ({@link MetricNames}):
 *     the last step's and, prefixed {@code eval_}, the evaluation of the model that was written
 *     (the best one with early stopping); {@code trainLoss} and {@code evalLoss} are two of them
 * @param microBatchSize the examples of one forward pass at the end (see {@link
 *     TrainerProgress#microBatchSize})
 * @param trainer what the run trained on (devices, engine, memory); null when it failed before its
 *     device check passed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainerResult(
    String status,
    String outputDir,
    String layout,
    Double trainLoss,
    Double evalLoss,
    Long trainedTokens,
    Long steps,
    String error,
    Long trainExamples,
    Long validationExamples,
    Long bestStep,
    Double bestEvalLoss,
    Boolean stoppedEarly,
    Long skippedSteps,
    Map<String, Double> metrics,
    Integer microBatchSize,
    TrainerRuntime trainer,
    List<EvaluationResult> evaluation) {

  /** A result without an evaluation (none was asked for, or the run failed before it). */
  public TrainerResult(
      String status,
      String outputDir,
      String layout,
      Double trainLoss,
      Double evalLoss,
      Long trainedTokens,
      Long steps,
      String error,
      Long trainExamples,
      Long validationExamples,
      Long bestStep,
      Double bestEvalLoss,
      Boolean stoppedEarly,
      Long skippedSteps,
      Map<String, Double> metrics,
      Integer microBatchSize,
      TrainerRuntime trainer) {
    this(
        status,
        outputDir,
        layout,
        trainLoss,
        evalLoss,
        trainedTokens,
        steps,
        error,
        trainExamples,
        validationExamples,
        bestStep,
        bestEvalLoss,
        stoppedEarly,
        skippedSteps,
        metrics,
        microBatchSize,
        trainer,
        null);
  }

  /** This result with the base-versus-tuned evaluation. */
  public TrainerResult withEvaluation(List<EvaluationResult> results) {
    return new TrainerResult(
        status,
        outputDir,
        layout,
        trainLoss,
        evalLoss,
        trainedTokens,
        steps,
        error,
        trainExamples,
        validationExamples,
        bestStep,
        bestEvalLoss,
        stoppedEarly,
        skippedSteps,
        metrics,
        microBatchSize,
        trainer,
        results);
  }
}
