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
 * @param prepareCpu CPU of the prepare and publish pods
 * @param prepareMemory memory of the prepare and publish pods
 * @param publishRetryBackoff how long after a failed push the publish step tries again; doubled
 *     after each failure, at most {@link #MAX_PUBLISH_RETRY_BACKOFF}
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
    String prepareMemory,
    Duration publishRetryBackoff) {

  public static final Duration DEFAULT_PUBLISH_RETRY_BACKOFF = Duration.ofSeconds(30);

  /** The longest wait between two pushes (what a kubelet's image pull back-off caps at too). */
  public static final Duration MAX_PUBLISH_RETRY_BACKOFF = Duration.ofMinutes(5);

  public static final String DEFAULT_TRAINER_IMAGE = "ghcr.io/finetune-operator/trainer:0.1.0";
  public static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";
  public static final int DEFAULT_TRAINER_PORT = 8000;

  /** CPU and memory of a prepare pod: tokenizing the data needs a core and a few GiB. */
  public static final String DEFAULT_PREPARE_CPU = "1";

  public static final String DEFAULT_PREPARE_MEMORY = "4Gi";

  public OperatorConfig {
    namespaces = Set.copyOf(namespaces);
  }

  /** As the canonical constructor, with the default publish retry back-off. */
  public OperatorConfig(
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
    this(
        namespaces,
        trainerImage,
        imagePullPolicy,
        gpuResourceName,
        trainerPort,
        trainerGracePeriod,
        progressPollInterval,
        minStatusInterval,
        httpPort,
        leaderElection,
        leaseName,
        leaseNamespace,
        leaseDuration,
        identity,
        prepareCpu,
        prepareMemory,
        DEFAULT_PUBLISH_RETRY_BACKOFF);
  }

  /** This configuration with another first publish retry back-off (tests shorten it). */
  public OperatorConfig withPublishRetryBackoff(Duration backoff) {
    return new OperatorConfig(
        namespaces,
        trainerImage,
        imagePullPolicy,
        gpuResourceName,
        trainerPort,
        trainerGracePeriod,
        progressPollInterval,
        minStatusInterval,
        httpPort,
        leaderElection,
        leaseName,
        leaseNamespace,
        leaseDuration,
        identity,
        prepareCpu,
        prepareMemory,
        backoff);
  }

  /**
   * The wait before the next push after {@code failures} failed ones: doubled each time, capped.
   */
  public Duration publishRetryAfter(int failures) {
    Duration wait = publishRetryBackoff;
    for (int i = 1; i < failures && wait.compareTo(MAX_PUBLISH_RETRY_BACKOFF) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(MAX_PUBLISH_RETRY_BACKOFF) > 0 ? MAX_PUBLISH_RETRY_BACKOFF : wait;
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
