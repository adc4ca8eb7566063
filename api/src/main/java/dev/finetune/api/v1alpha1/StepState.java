/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

/** Where one step (one Job) of a FineTuneJob is. */
public enum StepState {
  /** Its Job exists and has not finished (its pod may wait, be queued or suspended). */
  Active,
  /** Its Job completed; the step is never run again, even once the Job is gone. */
  Succeeded,
  /** Its Job failed; the FineTuneJob failed with it. */
  Failed
}
