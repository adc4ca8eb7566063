/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.operator.config.OperatorConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OperatorMainTest {
  @Test
  void defaultsWhenNothingIsGiven() {
    OperatorMain main = new OperatorMain();
    new CommandLine(main).parseArgs();
    OperatorConfig config = main.toConfig();
    assertThat(config.namespaces()).isEmpty();
    assertThat(config.gpuResourceName()).isEqualTo("nvidia.com/gpu");
    assertThat(config.progressPollInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.trainerGracePeriod()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.leaseNamespace()).isNull();
  }

  @Test
  void flagsAreParsedIntoTheConfig() {
    OperatorMain main = new OperatorMain();
    new CommandLine(main)
        .parseArgs(
            "--namespaces=team-a, team-b",
            "--trainer-image=registry.local/trainer:1",
            "--gpu-resource-name=amd.com/gpu",
            "--progress-poll-interval=PT30S",
            "--leader-election=true",
            "--lease-namespace=ops");
    OperatorConfig config = main.toConfig();
    assertThat(config.namespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(config.trainerImage()).isEqualTo("registry.local/trainer:1");
    assertThat(config.gpuResourceName()).isEqualTo("amd.com/gpu");
    assertThat(config.progressPollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseNamespace()).isEqualTo("ops");
  }

  @Test
  void helpDocumentsEveryOptionWithItsEnvironmentVariable() {
    String usage = new CommandLine(new OperatorMain()).getUsageMessage();
    assertThat(usage)
        .contains(
            "FTO_NAMESPACES",
            "FTO_TRAINER_IMAGE",
            "FTO_GPU_RESOURCE_NAME",
            "FTO_PREPARE_CPU",
            "FTO_PREPARE_MEMORY",
            "FTO_HTTP_PORT",
            "FTO_LEADER_ELECTION",
            "FTO_PROGRESS_POLL_INTERVAL");
  }
}
