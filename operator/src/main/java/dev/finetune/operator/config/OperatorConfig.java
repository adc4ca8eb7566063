/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.config;

import java.time.Duration;
import java.util.Set;

/**
 * Everything the operator is configured with, parsed once at start-up (see {@link OperatorMain})
 * and passed by constructor to whatever needs it.
 *
 * @param namespaces namespaces to watch; empty means all namespaces
 * @param trainerImage the trainer image used when a FineTuneJob names none
 * @param imagePullPolicy pull policy of the trainer container
 * @param gpuResourceName extended resource name used when a FineTuneJob names none
 * @param trainerPort port of the trainer's progress/metrics server inside the pod
 * @param trainerGracePeriod time a trainer gets to checkpoint after SIGTERM
 * @param progressPollInterval how often a running trainer's /progress is read
 * @param minStatusInterval the least time between two progress-only status writes of one job
 * @param httpPort port of the operator's /healthz, /readyz and /metrics server
 * @param leaderElection whether to elect a leader (needed with more than one replica)
 * @param leaseName name of the leader-election Lease
 * @param leaseNamespace namespace of the Lease; null means the operator's own namespace
 * @param leaseDuration how long a lease holds without renewal (renewal deadline 2/3 of it, retry
 *     every 1/8)
 * @param identity this replica's identity (its pod name)
 */
public record OperatorConfig(
    Set<String> namespaces,
    String trainerImage,
    String imagePullPolicy,
    String gpuResourceName,
    int trainerPort,
    Duration trainerGracePeriod,
    Duration progressPollInterval,
    Duration minStatusInterval,
    int httpPort,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    Duration leaseDuration,
    String identity,
    String prepareCpu,
    String prepareMemory) {

  public static final String DEFAULT_TRAINER_IMAGE = "ghcr.io/finetune-operator/trainer:0.1.0";
  public static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";
  public static final int DEFAULT_TRAINER_PORT = 8000;

  /** CPU and memory of a prepare pod: tokenizing the data needs a core and a few GiB. */
  public static final String DEFAULT_PREPARE_CPU = "1";

  public static final String DEFAULT_PREPARE_MEMORY = "4Gi";

  public OperatorConfig {
    namespaces = Set.copyOf(namespaces);
  }

  /**
   * For an operator inside another process (local mode, benchmarks, end-to-end tests): the defaults
   * with these namespaces, polling and write intervals, an ephemeral HTTP port and no leader
   * election.
   */
  public static OperatorConfig embedded(
      Set<String> namespaces,
      Duration progressPollInterval,
      Duration minStatusInterval,
      String identity) {
    OperatorConfig d = defaults();
    return new OperatorConfig(
        namespaces,
        d.trainerImage(),
        d.imagePullPolicy(),
        d.gpuResourceName(),
        d.trainerPort(),
        d.trainerGracePeriod(),
        progressPollInterval,
        minStatusInterval,
        0,
        false,
        d.leaseName(),
        null,
        d.leaseDuration(),
        identity,
        d.prepareCpu(),
        d.prepareMemory());
  }

  /** Defaults for tests and local runs: all namespaces, no leader election. */
  public static OperatorConfig defaults() {
    return new OperatorConfig(
        Set.of(),
        DEFAULT_TRAINER_IMAGE,
        "IfNotPresent",
        DEFAULT_GPU_RESOURCE,
        DEFAULT_TRAINER_PORT,
        Duration.ofSeconds(120),
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        8080,
        false,
        "finetune-operator-leader",
        null,
        Duration.ofSeconds(15),
        "finetune-operator",
        DEFAULT_PREPARE_CPU,
        DEFAULT_PREPARE_MEMORY);
  }
}
