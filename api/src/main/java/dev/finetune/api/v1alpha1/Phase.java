/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

/** Where a FineTuneJob is in its life. Succeeded and Failed are final. */
public enum Phase {
  /** Accepted; the trainer Job is being created or its pod is waiting to start. */
  Pending,
  /** The spec is being checked. */
  Validating,
  /** Waiting for a queue (Kueue) to admit the trainer Job. */
  Queued,
  /** The trainer is running. */
  Running,
  /**
   * Training finished (the result is in status.result); a publish step is pushing the model to the
   * registry spec.output.publish names, or retrying a failed push.
   */
  Publishing,
  /** Training finished; the result is in status.result. */
  Succeeded,
  /** The run failed; status.message and the Failed condition say why. */
  Failed,
  /** Stopped by runPolicy.suspend; resumes from the latest checkpoint. */
  Suspended;

  public boolean isFinal() {
    return this == Succeeded || this == Failed;
  }
}
