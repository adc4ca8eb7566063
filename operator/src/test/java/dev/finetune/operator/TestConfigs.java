/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator;

import dev.finetune.operator.config.OperatorConfig;
import java.time.Duration;
import java.util.Set;

/** Operator configurations for tests: one namespace, an ephemeral HTTP port. */
public final class TestConfigs {
  private TestConfigs() {}

  public static OperatorConfig watching(String namespace) {
    return new OperatorConfig(
        Set.of(namespace),
        "trainer:test",
        "IfNotPresent",
        OperatorConfig.DEFAULT_GPU_RESOURCE,
        OperatorConfig.DEFAULT_TRAINER_PORT,
        Duration.ofSeconds(30),
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        0,
        false,
        "lease",
        null,
        Duration.ofSeconds(15),
        "test-operator",
        OperatorConfig.DEFAULT_PREPARE_CPU,
        OperatorConfig.DEFAULT_PREPARE_MEMORY);
  }

  /** Polling trainers at {@code port} every {@code poll}, writing progress at most every 0.5 s. */
  public static OperatorConfig polling(String namespace, int port, Duration poll) {
    OperatorConfig base = watching(namespace);
    return new OperatorConfig(
        base.namespaces(),
        base.trainerImage(),
        base.imagePullPolicy(),
        base.gpuResourceName(),
        port,
        base.trainerGracePeriod(),
        poll,
        Duration.ofMillis(500),
        0,
        false,
        base.leaseName(),
        null,
        base.leaseDuration(),
        base.identity(),
        base.prepareCpu(),
        base.prepareMemory());
  }

  /** With leader election on a short lease in {@code namespace}, as replica {@code identity}. */
  public static OperatorConfig electing(String namespace, String identity) {
    OperatorConfig base = watching(namespace);
    return new OperatorConfig(
        base.namespaces(),
        base.trainerImage(),
        base.imagePullPolicy(),
        base.gpuResourceName(),
        base.trainerPort(),
        base.trainerGracePeriod(),
        base.progressPollInterval(),
        base.minStatusInterval(),
        0,
        true,
        "finetune-operator-leader",
        namespace,
        Duration.ofSeconds(3),
        identity,
        base.prepareCpu(),
        base.prepareMemory());
  }
}
