/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.metrics;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.desired.SpecDefaults;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code finetune_jobs{phase}}: FineTuneJobs per phase, and {@code finetune_gpus_in_use}: GPUs
 * requested by running ones, both computed from the operator's own informer cache at scrape time,
 * so a deleted job drops out without any bookkeeping. One series per phase: bounded cardinality.
 */
public class JobPhaseMetrics {
  public static final String JOBS = "finetune.jobs";

  private final AtomicReference<IndexedResourceCache<FineTuneJob>> cache = new AtomicReference<>();

  public static final String GPUS_IN_USE = "finetune.gpus.in.use";

  public JobPhaseMetrics(MeterRegistry registry) {
    for (Phase phase : Phase.values()) {
      Gauge.builder(JOBS, () -> count(phase))
          .description("FineTuneJobs by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    Gauge.builder(GPUS_IN_USE, this::runningGpus)
        .description("GPUs requested by the trainers of running FineTuneJobs")
        .register(registry);
  }

  /** Called once the primary cache exists. */
  public void watch(IndexedResourceCache<FineTuneJob> primaryCache) {
    cache.set(primaryCache);
  }

  private double runningGpus() {
    var c = cache.get();
    if (c == null) {
      return 0;
    }
    return c.list()
        .filter(j -> j.getStatus() != null && j.getStatus().getPhase() == Phase.Running)
        .mapToInt(j -> SpecDefaults.gpus(j.getSpec()))
        .sum();
  }

  private double count(Phase phase) {
    var c = cache.get();
    if (c == null) {
      return 0;
    }
    return c.list().filter(j -> j.getStatus() != null && j.getStatus().getPhase() == phase).count();
  }
}
