/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds back status writes that only carry new progress (step, loss, checkpoints) until the job's
 * last write is at least the minimum interval old, so a thousand chatty trainers cannot flood the
 * API server. Writes that change anything else (phase, conditions) always go through.
 */
final class StatusWriteLimiter {
  private final Duration minInterval;
  private final Clock clock;
  private final Map<String, Instant> lastWrite = new ConcurrentHashMap<>();

  StatusWriteLimiter(Duration minInterval, Clock clock) {
    this.minInterval = minInterval;
    this.clock = clock;
  }

  /**
   * How long to hold {@code next} back, or empty to write it now.
   *
   * @param uid the job's UID
   */
  Optional<Duration> holdBack(String uid, FineTuneJobStatus previous, FineTuneJobStatus next) {
    Instant now = clock.instant();
    Instant last = lastWrite.get(uid);
    if (last != null && onlyProgressDiffers(previous, next)) {
      Duration since = Duration.between(last, now);
      if (since.compareTo(minInterval) < 0) {
        return Optional.of(minInterval.minus(since));
      }
    }
    return Optional.empty();
  }

  void written(String uid) {
    lastWrite.put(uid, clock.instant());
  }

  void forget(String uid) {
    lastWrite.remove(uid);
  }

  static boolean onlyProgressDiffers(FineTuneJobStatus previous, FineTuneJobStatus next) {
    if (previous == null) {
      return false;
    }
    return Objects.equals(withoutProgress(previous), withoutProgress(next));
  }

  private static FineTuneJobStatus withoutProgress(FineTuneJobStatus s) {
    FineTuneJobStatus copy = new FineTuneJobStatus();
    copy.setObservedGeneration(s.getObservedGeneration());
    copy.setPhase(s.getPhase());
    copy.setConditions(s.getConditions());
    copy.setResult(s.getResult());
    // Written at once: it changes once per pod, when its device check passed.
    copy.setTrainer(s.getTrainer());
    copy.setTrainerJob(s.getTrainerJob());
    copy.setStartTime(s.getStartTime());
    copy.setCompletionTime(s.getCompletionTime());
    copy.setRestarts(s.getRestarts());
    copy.setMessage(s.getMessage());
    return copy;
  }
}
