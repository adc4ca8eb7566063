/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import dev.finetune.api.metrics.PrometheusNaming;
import dev.finetune.trainer.TrainerException;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;

/**
 * A run's progress as the operator and Prometheus read it: the tracker, its meter registry, and
 * (when a port is given) the server of {@code /progress}, {@code /metrics} and {@code /healthz}.
 */
public final class ProgressEndpoint implements AutoCloseable {
  private final PrometheusMeterRegistry registry = newRegistry();
  private final ProgressTracker tracker = new ProgressTracker(registry, Clock.systemUTC());
  private ProgressServer server;

  public ProgressTracker tracker() {
    return tracker;
  }

  /** Serves on {@code port} (0: any free port) with JVM metrics; a negative port serves nothing. */
  public void serve(int port) {
    if (port < 0) {
      return;
    }
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    try {
      server = new ProgressServer(port, tracker, registry);
      System.out.println("serving /progress, /metrics and /healthz on port " + server.port());
    } catch (IOException e) {
      throw TrainerException.config(
          "cannot serve progress on port " + port + ": " + e.getMessage());
    }
  }

  /** The run ended: the phase /progress reports from now on. */
  public void finished(String phase) {
    tracker.finished(phase);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }

  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusNaming.apply(registry);
    return registry;
  }
}
