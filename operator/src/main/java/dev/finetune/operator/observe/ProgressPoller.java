/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.observe;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Polls the running trainer of every FineTuneJob on the operator's schedule (the configured
 * interval, ±20% jitter so a thousand jobs do not poll in step), on the event source's own threads
 * rather than in the reconcile loop. A changed observation triggers a reconcile; an unchanged one
 * costs nothing more.
 */
public final class ProgressPoller
    implements PerResourcePollingEventSource.ResourceFetcher<ProgressObservation, FineTuneJob> {
  public static final String NAME = "trainer-progress";
  static final int POLL_THREADS = 8;

  private final TrainerProgressClient client;
  private final Duration interval;
  private final int defaultPort;
  private final Function<FineTuneJob, Set<Pod>> pods;

  /**
   * @param pods the trainer pods of a job (from the operator's pod informer)
   */
  public ProgressPoller(
      TrainerProgressClient client, OperatorConfig config, Function<FineTuneJob, Set<Pod>> pods) {
    this.client = client;
    this.interval = config.progressPollInterval();
    this.defaultPort = config.trainerPort();
    this.pods = pods;
  }

  public static PerResourcePollingEventSource<ProgressObservation, FineTuneJob, String> eventSource(
      ProgressPoller poller, EventSourceContext<FineTuneJob> context) {
    return new PerResourcePollingEventSource<>(
        ProgressObservation.class,
        context,
        new PerResourcePollingConfigurationBuilder<ProgressObservation, FineTuneJob, String>(
                poller, poller.interval)
            .withName(NAME)
            // Polls wait on the network (up to the client's timeout for a black-holed pod IP):
            // several threads, so a few silent trainers do not delay everyone else's progress.
            .withExecutorService(
                java.util.concurrent.Executors.newScheduledThreadPool(
                    POLL_THREADS,
                    r -> {
                      Thread t = new Thread(r, "trainer-progress-poll");
                      t.setDaemon(true);
                      return t;
                    }))
            .withResourceIDMapper(observation -> "progress")
            .build());
  }

  @Override
  public Set<ProgressObservation> fetchResources(FineTuneJob job) {
    return runningTrainer(job)
        .map(
            pod ->
                Set.of(
                    client.poll(
                        pod.getMetadata().getName(), pod.getStatus().getPodIP(), port(pod))))
        .orElse(Set.of());
  }

  @Override
  public Optional<Duration> fetchDelay(Set<ProgressObservation> last, FineTuneJob job) {
    double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Optional.of(Duration.ofMillis((long) (interval.toMillis() * factor)));
  }

  /** The newest trainer pod that runs and has an address. */
  Optional<Pod> runningTrainer(FineTuneJob job) {
    return pods.apply(job).stream()
        // The prepare pod serves no progress.
        .filter(ProgressPoller::isTrainerPod)
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .filter(p -> p.getStatus().getPodIP() != null && !p.getStatus().getPodIP().isBlank())
        .max(
            Comparator.comparing(
                (Pod p) -> Optional.ofNullable(p.getMetadata().getCreationTimestamp()).orElse("")));
  }

  private static boolean isTrainerPod(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getContainers() != null
        && pod.getSpec().getContainers().stream()
            .anyMatch(c -> TrainerJobDependentResource.CONTAINER.equals(c.getName()));
  }

  /** The trainer container's port named "progress"; the configured port if it has none. */
  private int port(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> TrainerJobDependentResource.CONTAINER.equals(c.getName()))
        .map(Container::getPorts)
        .filter(ports -> ports != null)
        .flatMap(ports -> ports.stream())
        .filter(p -> TrainerJobDependentResource.PORT_NAME.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(defaultPort);
  }
}
