/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator;

import dev.finetune.api.metrics.PrometheusNaming;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.http.OperatorHttpServer;
import dev.finetune.operator.metrics.JobPhaseMetrics;
import dev.finetune.operator.reconciler.FineTuneJobReconciler;
import dev.finetune.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;

/**
 * The operator, wired by hand: a client, JOSDK configured to patch with JSON patches (no
 * server-side apply, the same path the tests take), the FineTuneJob reconciler, and the HTTP server
 * for probes and metrics.
 */
public final class FineTuneOperator implements AutoCloseable {
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final Operator operator;
  private final PrometheusMeterRegistry registry;
  private final OperatorConfig config;
  private OperatorHttpServer http;

  public FineTuneOperator(KubernetesClient client, OperatorConfig config) {
    this(client, config, Clock.systemUTC(), false);
  }

  /**
   * @param exitOnLostLeadership whether losing the lease ends the process (production) or only
   *     stops the operator (tests)
   */
  public FineTuneOperator(
      KubernetesClient client, OperatorConfig config, Clock clock, boolean exitOnLostLeadership) {
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusNaming.apply(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    // Per-resource metrics would add a histogram per FineTuneJob: unbounded cardinality.
    MicrometerMetrics josdkMetrics = MicrometerMetrics.withoutPerResourceMetrics(registry);

    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(josdkMetrics)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        config.leaseName(),
                        config.leaseNamespace(),
                        config.leaseDuration(),
                        config.leaseDuration().multipliedBy(2).dividedBy(3),
                        config.leaseDuration().dividedBy(8),
                        config.identity(),
                        null,
                        exitOnLostLeadership));
              }
            });
    EventRecorder events = new EventRecorder(client, clock, config.identity());
    FineTuneJobReconciler reconciler =
        new FineTuneJobReconciler(config, events, clock, new JobPhaseMetrics(registry));
    operator.register(
        reconciler,
        c -> {
          if (!config.namespaces().isEmpty()) {
            c.settingNamespaces(config.namespaces());
          }
        });
  }

  /** Starts the HTTP server (probes answer at once) and then the operator. */
  public FineTuneOperator start() throws IOException {
    http = new OperatorHttpServer(config.httpPort(), this::isReady, registry).start();
    operator.start();
    return this;
  }

  public boolean isReady() {
    var info = operator.getRuntimeInfo();
    return info.isStarted() && info.allEventSourcesAreHealthy();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int httpPort() {
    return http.port();
  }

  /** Stops the operator; a second call does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    operator.stop();
    if (http != null) {
      http.close();
    }
  }
}
