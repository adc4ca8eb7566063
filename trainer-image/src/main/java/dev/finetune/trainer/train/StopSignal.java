/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM (a preemption, an eviction, {@code runPolicy.suspend}) as a request to stop after the
 * current step: the JVM's shutdown hook raises the flag and then holds the exit until the training
 * loop has saved a checkpoint, or the grace period ends.
 */
public final class StopSignal {
  private final AtomicBoolean requested = new AtomicBoolean();
  private final CountDownLatch settled = new CountDownLatch(1);

  /** Installs the shutdown hook; {@link #settled()} must be called when the run is over. */
  public static StopSignal onSigterm(Duration grace) {
    StopSignal signal = new StopSignal();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  signal.requested.set(true);
                  try {
                    signal.settled.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "stop-signal"));
    return signal;
  }

  public boolean requested() {
    return requested.get();
  }

  /** The run has saved what it needed to (or finished): the process may exit. */
  public void settled() {
    settled.countDown();
  }
}
