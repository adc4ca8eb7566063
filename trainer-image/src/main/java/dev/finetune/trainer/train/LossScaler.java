/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import java.util.List;

/**
 * Dynamic loss scaling for float16 training, as {@code torch.amp.GradScaler} does it: the loss is
 * multiplied by the scale before the backward pass so that small gradients do not flush to zero in
 * float16; a step whose gradients overflow (inf or NaN) is skipped — no update, no optimizer step —
 * and the scale halves; after {@code growthInterval} steps in a row without overflow it doubles.
 *
 * <p>The state is a function of the run's history (each training record says the scale it used and
 * whether it was skipped), so a resumed run {@link #replay replays} it instead of storing it.
 */
public final class LossScaler {
  /** GradScaler's defaults. */
  public static final double INITIAL_SCALE = 65536;

  public static final int GROWTH_INTERVAL = 2000;

  private final int growthInterval;
  private double scale;
  private int stepsWithoutOverflow;

  public LossScaler(double initialScale, int growthInterval) {
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /** The state after the training steps in {@code history} (evaluations are ignored). */
  public static LossScaler replay(
      double initialScale, int growthInterval, List<StepRecord> history) {
    LossScaler scaler = new LossScaler(initialScale, growthInterval);
    for (StepRecord r : history) {
      if (!r.isEvaluation()) {
        scaler.update(Boolean.TRUE.equals(r.skipped()));
      }
    }
    return scaler;
  }

  /** The scale the next backward pass multiplies the loss by. */
  public double scale() {
    return scale;
  }

  /** After a step: halves the scale on overflow, doubles it after a run of good steps. */
  public void update(boolean overflowed) {
    if (overflowed) {
      scale /= 2;
      stepsWithoutOverflow = 0;
    } else if (++stepsWithoutOverflow == growthInterval) {
      scale *= 2;
      stepsWithoutOverflow = 0;
    }
  }
}
