/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.v1alpha1.Phase;

/** A phase, with the CamelCase reason and the human message that explain it. */
public record PhaseDecision(Phase phase, String reason, String message) {}
