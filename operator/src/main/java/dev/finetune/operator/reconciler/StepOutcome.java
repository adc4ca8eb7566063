/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.operator.observe.TrainerObservation;
import dev.finetune.operator.status.PhaseDecision;
import java.time.Duration;
import java.util.Optional;

/**
 * What one step found in this reconcile.
 *
 * @param step the step
 * @param observed its Job and the Job's pods
 * @param decision the phase while the pipeline waits on it; empty once it succeeded
 * @param created what it created, e.g. "prepare Job demo-prepare" (named in the phase Event)
 * @param retryAfter when the step wants another look although no watched object may change (a
 *     retry's back-off, a status it waits to see written)
 */
record StepOutcome(
    Step step,
    TrainerObservation observed,
    Optional<PhaseDecision> decision,
    Optional<String> created,
    Optional<Duration> retryAfter) {

  StepOutcome(
      Step step,
      TrainerObservation observed,
      Optional<PhaseDecision> decision,
      Optional<String> created) {
    this(step, observed, decision, created, Optional.empty());
  }
}
