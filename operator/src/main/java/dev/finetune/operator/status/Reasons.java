/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.operator.observe.ProgressObservation;

/**
 * Reasons (CamelCase) used in conditions and events. A step that exits with a code of api's {@code
 * TrainerExit} table fails with that table's reason (DataError, ConfigError, StorageFull,
 * InsufficientStorage); a prepare step that names its own reason ({@link PrepareResult}) with it.
 */
public final class Reasons {
  public static final String SPEC_VALID = "SpecValid";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String JOB_CREATED = "TrainerJobCreated";
  public static final String POD_STARTING = "TrainerPodStarting";
  public static final String UNSCHEDULABLE = "Unschedulable";
  public static final String IMAGE_PULL_FAILED = "ImagePullFailed";
  public static final String CONTAINER_CONFIG_ERROR = "ContainerConfigError";
  public static final String WAITING_FOR_QUEUE = "WaitingForQueue";
  public static final String SUSPENDED_BY_USER = "SuspendedByUser";
  public static final String NOT_SUSPENDED = "NotSuspended";
  public static final String TRAINER_RUNNING = "TrainerRunning";
  public static final String TRAINING_SUCCEEDED = "TrainingSucceeded";
  public static final String OOM_KILLED = "OOMKilled";
  public static final String PREPARING = "Preparing";
  public static final String PREPARE_FAILED = "PrepareFailed";
  public static final String MODEL_UNSUPPORTED = PrepareResult.MODEL_UNSUPPORTED;
  public static final String DATA_VALIDATED = "DataValidated";
  public static final String TRAINER_CRASHED = "TrainerCrashed";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String JOB_FAILED = "TrainerJobFailed";
  public static final String SPEC_APPLIED = "SpecApplied";
  public static final String SPEC_CHANGED = "SpecChangedAfterStart";
  public static final String IN_PROGRESS = "InProgress";
  public static final String PROGRESS_REPORTED = "ProgressReported";
  public static final String TRAINER_UNREACHABLE = ProgressObservation.UNREACHABLE;
  public static final String PROGRESS_REJECTED = ProgressObservation.REJECTED;
  public static final String NO_PROGRESS_YET = "NoProgressYet";
  public static final String NOT_RUNNING = "NotRunning";
  public static final String CHECKPOINT_SAVED = "CheckpointSaved";

  /** batchSize auto: an out-of-memory error halved the trainer's micro-batch (a Warning Event). */
  public static final String MICRO_BATCH_REDUCED = "MicroBatchReduced";

  /** The base and the tuned model were compared (a Normal Event with the numbers). */
  public static final String EVALUATED = "Evaluated";

  /** Promoted=True: every rule of spec.evaluation.gate holds. */
  public static final String EVALUATION_GATE_PASSED = "EvaluationGatePassed";

  /** Promoted=False (and a Warning Event): the tuned model failed the gate; the numbers say how. */
  public static final String EVALUATION_GATE_FAILED = "EvaluationGateFailed";

  /** Promoted=True: spec.evaluation has no gate (or one that checks nothing). */
  public static final String NO_GATE = "NoGate";

  /** Promoted=False: the run ended without an evaluation to decide on. */
  public static final String NOT_EVALUATED = "NotEvaluated";

  /** Promoted=Unknown: the run has not ended yet. */
  public static final String EVALUATION_PENDING = "EvaluationPending";

  public static final String PUBLISH_PENDING = "PublishPending";
  public static final String PUBLISHING = "Publishing";
  public static final String PUBLISHED = "Published";
  public static final String PUBLISH_FAILED = TrainerExit.PUBLISH_FAILED.reason().orElseThrow();
  public static final String NOT_PROMOTED = "NotPromoted";
  public static final String NOT_PUBLISHED = "NotPublished";

  private Reasons() {}
}
