/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator;

import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the operator image. Every option can also be set by an environment variable (shown
 * in --help); both are read here, once, into an {@link OperatorConfig}.
 */
@Command(
    name = "finetune-operator",
    mixinStandardHelpOptions = true,
    version = "finetune-operator 0.1.0",
    description =
        "Runs the FineTuneJob operator against the cluster of the current kubeconfig"
            + " or service account. Local mode (everything on this machine) is the"
            + " finetune-local jar.")
public final class OperatorMain implements Callable<Integer> {

  @Option(
      names = "--namespaces",
      split = ",",
      defaultValue = "${env:FTO_NAMESPACES:-}",
      description = "Namespaces to watch, comma-separated; empty watches all (env FTO_NAMESPACES).")
  String[] namespaces;

  @Option(
      names = "--trainer-image",
      defaultValue = "${env:FTO_TRAINER_IMAGE:-" + OperatorConfig.DEFAULT_TRAINER_IMAGE + "}",
      description =
          "Trainer image for jobs that name none (env FTO_TRAINER_IMAGE). Default: ${DEFAULT-VALUE}.")
  String trainerImage;

  @Option(
      names = "--trainer-image-pull-policy",
      defaultValue = "${env:FTO_TRAINER_IMAGE_PULL_POLICY:-IfNotPresent}",
      description = "Always, IfNotPresent or Never (env FTO_TRAINER_IMAGE_PULL_POLICY).")
  String imagePullPolicy;

  @Option(
      names = "--prepare-cpu",
      defaultValue = "${env:FTO_PREPARE_CPU:-" + OperatorConfig.DEFAULT_PREPARE_CPU + "}",
      description =
          "CPU of the prepare pod that checks a job before its trainer (env FTO_PREPARE_CPU)."
              + " Default: ${DEFAULT-VALUE}.")
  String prepareCpu;

  @Option(
      names = "--prepare-memory",
      defaultValue = "${env:FTO_PREPARE_MEMORY:-" + OperatorConfig.DEFAULT_PREPARE_MEMORY + "}",
      description =
          "Memory of the prepare pod (env FTO_PREPARE_MEMORY). Default: ${DEFAULT-VALUE}.")
  String prepareMemory;

  @Option(
      names = "--gpu-resource-name",
      defaultValue = "${env:FTO_GPU_RESOURCE_NAME:-" + OperatorConfig.DEFAULT_GPU_RESOURCE + "}",
      description =
          "GPU resource for jobs that name none (env FTO_GPU_RESOURCE_NAME). Default: ${DEFAULT-VALUE}.")
  String gpuResourceName;

  @Option(
      names = "--trainer-port",
      defaultValue = "${env:FTO_TRAINER_PORT:-8000}",
      description = "Port of the trainer's progress server (env FTO_TRAINER_PORT).")
  int trainerPort;

  @Option(
      names = "--trainer-grace-period",
      defaultValue = "${env:FTO_TRAINER_GRACE_PERIOD:-PT2M}",
      description =
          "Time a trainer gets to checkpoint after SIGTERM, ISO-8601 (env FTO_TRAINER_GRACE_PERIOD).")
  Duration trainerGracePeriod;

  @Option(
      names = "--progress-poll-interval",
      defaultValue = "${env:FTO_PROGRESS_POLL_INTERVAL:-PT15S}",
      description =
          "How often running trainers are polled, ISO-8601 (env FTO_PROGRESS_POLL_INTERVAL).")
  Duration progressPollInterval;

  @Option(
      names = "--min-status-interval",
      defaultValue = "${env:FTO_MIN_STATUS_INTERVAL:-PT5S}",
      description =
          "Least time between two progress-only status writes of one FineTuneJob, ISO-8601 (env"
              + " FTO_MIN_STATUS_INTERVAL). Phase changes are written at once.")
  Duration minStatusInterval;

  @Option(
      names = "--http-port",
      defaultValue = "${env:FTO_HTTP_PORT:-8080}",
      description = "Port of /healthz, /readyz and /metrics (env FTO_HTTP_PORT).")
  int httpPort;

  @Option(
      names = "--leader-election",
      defaultValue = "${env:FTO_LEADER_ELECTION:-false}",
      description = "Elect a leader; needed with more than one replica (env FTO_LEADER_ELECTION).")
  boolean leaderElection;

  @Option(
      names = "--lease-name",
      defaultValue = "${env:FTO_LEASE_NAME:-finetune-operator-leader}",
      description = "Leader-election Lease name (env FTO_LEASE_NAME).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:FTO_LEASE_NAMESPACE:-}",
      description = "Lease namespace; empty means the operator's own (env FTO_LEASE_NAMESPACE).")
  String leaseNamespace;

  @Option(
      names = "--lease-duration",
      defaultValue = "${env:FTO_LEASE_DURATION:-PT15S}",
      description =
          "How long a leader's lease holds without renewal, ISO-8601 (env FTO_LEASE_DURATION).")
  Duration leaseDuration;

  @Option(
      names = "--identity",
      defaultValue = "${env:POD_NAME:-finetune-operator}",
      description = "This replica's identity, usually its pod name (env POD_NAME).")
  String identity;

  @Option(
      names = "--publish-retry-backoff",
      defaultValue = "${env:FTO_PUBLISH_RETRY_BACKOFF:-PT30S}",
      description =
          "Wait before pushing again after a failed publish, ISO-8601, doubled after each failure"
              + " up to 5 minutes (env FTO_PUBLISH_RETRY_BACKOFF).")
  Duration publishRetryBackoff;

  OperatorConfig toConfig() {
    Set<String> watched = new LinkedHashSet<>();
    if (namespaces != null) {
      Arrays.stream(namespaces).map(String::strip).filter(s -> !s.isEmpty()).forEach(watched::add);
    }
    return new OperatorConfig(
        watched,
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
        leaseNamespace == null || leaseNamespace.isBlank() ? null : leaseNamespace,
        leaseDuration,
        identity,
        prepareCpu,
        prepareMemory,
        publishRetryBackoff);
  }

  @Override
  public Integer call() throws Exception {
    OperatorConfig config = toConfig();
    KubernetesClient client = new KubernetesClientBuilder().build();
    FineTuneOperator operator =
        new FineTuneOperator(client, config, java.time.Clock.systemUTC(), true);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                }));
    operator.start();
    stopped.await();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorMain()).execute(args));
  }
}
