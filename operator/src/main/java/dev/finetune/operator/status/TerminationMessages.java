/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A step's result as its ended container wrote it to its termination message: the JSON of one of
 * {@code api}'s protocol records (fields it does not know are ignored, a message that is not JSON,
 * such as a log tail, is none).
 */
final class TerminationMessages {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private TerminationMessages() {}

  /** The pods of a Job, the newest (the one that ran last) first. */
  static List<Pod> newestFirst(List<Pod> pods) {
    List<Pod> copy = new ArrayList<>(pods);
    Collections.reverse(copy);
    return copy;
  }

  /** {@code container}'s termination message in {@code pod} read as {@code type}, if it is one. */
  static <T> Optional<T> read(Pod pod, String container, Class<T> type) {
    return TrainerStateInterpreter.termination(pod, container)
        .map(ContainerStateTerminated::getMessage)
        .filter(m -> m.strip().startsWith("{"))
        .flatMap(
            m -> {
              try {
                return Optional.of(JSON.readValue(m, type));
              } catch (Exception e) {
                return Optional.empty();
              }
            });
  }
}
