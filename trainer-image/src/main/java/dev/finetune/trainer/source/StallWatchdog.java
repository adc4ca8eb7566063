/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a download whose connection stays open but delivers nothing: when no byte has arrived for
 * the limit, it closes the stream and interrupts the reading thread (a read blocked inside the HTTP
 * client wakes only on an interrupt), so the caller's retry resumes the file.
 */
final class StallWatchdog implements AutoCloseable {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "download-stall-watchdog");
            t.setDaemon(true);
            return t;
          });

  private final Thread reader = Thread.currentThread();
  private final ScheduledFuture<?> check;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean stalled;
  private boolean closed;

  StallWatchdog(Closeable stream, Duration limit) {
    long every = Math.max(20, limit.toMillis() / 4);
    this.check =
        TIMER.scheduleAtFixedRate(
            () -> {
              synchronized (this) {
                if (!closed && !stalled && System.nanoTime() - lastProgress > limit.toNanos()) {
                  stalled = true;
                  try {
                    stream.close();
                  } catch (IOException ignored) {
                    // closing is best effort; the interrupt below wakes the reader anyway
                  }
                  reader.interrupt();
                }
              }
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
  }

  void progressed() {
    lastProgress = System.nanoTime();
  }

  boolean stalled() {
    return stalled;
  }

  /** Stops watching and clears an interrupt this watchdog caused. */
  @Override
  public void close() {
    // Under the same lock as the check: once closed, no interrupt can arrive later and hit the
    // next attempt (or the backoff sleep) on this thread.
    synchronized (this) {
      closed = true;
      check.cancel(false);
    }
    if (stalled) {
      Thread.interrupted();
    }
  }
}
