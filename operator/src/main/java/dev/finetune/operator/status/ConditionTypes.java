/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

/** Condition types of a FineTuneJob's status. */
public final class ConditionTypes {
  /** True when the spec passed validation; False with reason InvalidSpec otherwise. */
  public static final String VALIDATED = "Validated";

  /** True while the trainer runs; False (with the reason it is not running) otherwise. */
  public static final String RUNNING = "Running";

  /** True once training finished and the result is stored. */
  public static final String SUCCEEDED = "Succeeded";

  /** True once the run failed for good; the reason says why. */
  public static final String FAILED = "Failed";

  /** True while runPolicy.suspend holds the trainer stopped. */
  public static final String SUSPENDED = "Suspended";

  /** False when the spec was changed after the trainer Job was created (not applied). */
  public static final String SPEC_APPLIED = "SpecApplied";

  /**
   * Summary for generic tools (kubectl wait, dashboards): True when Succeeded, False when Failed or
   * suspended, Unknown while in progress.
   */
  public static final String READY = "Ready";

  /**
   * kstatus' "abnormal-true" in-progress condition (Flux, kpt, cli-utils): True while the job is
   * pending, queued or running, so a tool that waits for the object waits for the training.
   */
  public static final String RECONCILING = "Reconciling";

  /** kstatus' failure condition: True once the job failed for good. */
  public static final String STALLED = "Stalled";

  /**
   * Whether the running trainer answers its progress endpoint: True when the latest poll gave a
   * believable report, False (TrainerUnreachable, ProgressRejected) when it did not, Unknown when
   * no trainer runs. False is not a failure: the operator keeps polling.
   */
  public static final String TRAINER_REACHABLE = "TrainerReachable";

  /**
   * With spec.evaluation: whether the tuned model is promoted. True (EvaluationGatePassed, or
   * NoGate without a gate) or False (EvaluationGateFailed with the numbers, NotEvaluated) once the
   * run ended; Unknown (EvaluationPending) before. Decided once, when the trainer's result is read;
   * the job still ends Succeeded either way. A step that publishes the model reads it.
   */
  public static final String PROMOTED = "Promoted";

  /**
   * With spec.output.publish: True once the model is in the registry (status.result.artifact);
   * False while a failed push waits for its retry, when the gate stopped it, or when the run
   * failed; Unknown before and while it is pushed.
   */
  public static final String PUBLISHED = "Published";

  private ConditionTypes() {}
}
