/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.observe;

import dev.finetune.api.protocol.TrainerProgress;

/**
 * One poll of a trainer's {@code GET /progress}: what it reported, or why nothing usable came back.
 * Equal observations do not trigger a reconcile, so an unchanged trainer costs no status write.
 *
 * @param pod the trainer pod that was polled
 * @param progress the report, or null when the poll failed
 * @param reason null when reported; TrainerUnreachable or ProgressRejected otherwise
 * @param problem why the poll failed, or null
 */
public record ProgressObservation(
    String pod, TrainerProgress progress, String reason, String problem) {
  /** Condition reason: no answer. Declared here so observation does not depend on status. */
  public static final String UNREACHABLE = "TrainerUnreachable";

  /** Condition reason: an answer that is not believable progress. */
  public static final String REJECTED = "ProgressRejected";

  public static ProgressObservation reported(String pod, TrainerProgress progress) {
    return new ProgressObservation(pod, progress, null, null);
  }

  /** No answer (not listening yet, network trouble, an HTTP error). */
  public static ProgressObservation unreachable(String pod, String problem) {
    return new ProgressObservation(pod, null, UNREACHABLE, problem);
  }

  /** An answer that is not believable progress (bad JSON, too large, absurd numbers). */
  public static ProgressObservation rejected(String pod, String problem) {
    return new ProgressObservation(pod, null, REJECTED, problem);
  }

  public boolean ok() {
    return progress != null;
  }
}
