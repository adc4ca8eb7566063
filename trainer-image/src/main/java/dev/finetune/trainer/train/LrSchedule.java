/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

/**
 * Linear warmup from 0, then constant, linear decay to 0, or cosine decay to 0 — the multipliers of
 * Hugging Face's get_constant/linear/cosine_schedule_with_warmup, evaluated at the 0-based
 * optimizer step.
 */
public record LrSchedule(Kind kind, double baseLr, long warmupSteps, long totalSteps) {
  /** Shape after warmup. */
  public enum Kind {
    CONSTANT,
    LINEAR,
    COSINE
  }

  public double at(long step) {
    if (step < warmupSteps) {
      return baseLr * step / Math.max(1, warmupSteps);
    }
    double decaySteps = Math.max(1, totalSteps - warmupSteps);
    double progress = (step - warmupSteps) / decaySteps;
    return switch (kind) {
      case CONSTANT -> baseLr;
      case LINEAR -> baseLr * Math.max(0, (totalSteps - step) / decaySteps);
      case COSINE -> baseLr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    };
  }
}
