/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.observe;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster shows of a FineTuneJob's trainer: its Job (null before creation) and the Job's
 * pods, oldest first.
 */
public record TrainerObservation(Job job, List<Pod> pods) {
  public TrainerObservation {
    pods =
        pods.stream()
            .sorted(
                Comparator.comparing(
                        (Pod p) ->
                            Optional.ofNullable(p.getMetadata().getCreationTimestamp()).orElse(""))
                    .thenComparing(p -> p.getMetadata().getName()))
            .toList();
  }

  public static TrainerObservation none() {
    return new TrainerObservation(null, List.of());
  }

  public Optional<Pod> newestPod() {
    return pods.isEmpty() ? Optional.empty() : Optional.of(pods.get(pods.size() - 1));
  }
}
