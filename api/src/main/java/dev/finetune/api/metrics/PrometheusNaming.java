/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Makes what the operator and the trainer expose pass {@code promtool check metrics}: every metric
 * has HELP text (the Java Operator SDK registers its meters without descriptions), {@code
 * process.cpu.time} (a nanoseconds counter, {@code process_cpu_time_ns_total}) is dropped in favour
 * of {@code process_cpu_usage}, and {@code system.cpu.count} (a gauge whose Prometheus name ends in
 * {@code _count}, the suffix of summaries) becomes {@code system_cpu_logical_processors}. Apply it
 * before any meter is registered.
 */
public final class PrometheusNaming {
  private PrometheusNaming() {}

  public static void apply(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                Meter.Id named =
                    id.getName().equals("system.cpu.count")
                        ? id.withName("system.cpu.logical.processors")
                        : id;
                String description = named.getDescription();
                if (description != null && !description.isBlank()) {
                  return named;
                }
                return new Meter.Id(
                    named.getName(),
                    io.micrometer.core.instrument.Tags.of(named.getTagsAsIterable()),
                    named.getBaseUnit(),
                    describe(named.getName()),
                    named.getType());
              }
            });
  }

  /** HELP text for a meter registered without one: its name in words. */
  static String describe(String name) {
    String words = name.replace('.', ' ').replace('_', ' ');
    return name.startsWith("operator.sdk.")
        ? "Java Operator SDK: " + words.substring("operator sdk ".length())
        : words;
  }
}
