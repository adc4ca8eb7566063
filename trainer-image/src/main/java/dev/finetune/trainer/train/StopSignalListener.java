/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

/** Ends the run after the current step once SIGTERM arrived (the checkpoint follows). */
public final class StopSignalListener implements TrainingListener {
  private final StopSignal signal;

  public StopSignalListener(StopSignal signal) {
    this.signal = signal;
  }

  @Override
  public boolean stopRequested() {
    return signal.requested();
  }
}
