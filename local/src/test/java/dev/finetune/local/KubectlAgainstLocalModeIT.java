/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.finetune.api.testing.DeploymentTools;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl against local mode's embedded API: get, describe, -o yaml, apply, delete. */
class KubectlAgainstLocalModeIT {
  @TempDir Path dir;
  private LocalCluster cluster;
  private FineTuneOperator operator;
  private LocalGarbageCollector collector;
  private Path kubeconfig;

  @BeforeEach
  void start() throws IOException {
    DeploymentTools.tool("kubectl");
    cluster = LocalCluster.start(0);
    kubeconfig = dir.resolve("kubeconfig");
    cluster.writeKubeconfig(kubeconfig);
    OperatorConfig d = OperatorConfig.defaults();
    operator =
        new FineTuneOperator(
                cluster.client(),
                OperatorConfig.embedded(
                    d.namespaces(), d.progressPollInterval(), d.minStatusInterval(), "test"),
                Clock.systemUTC(),
                false)
            .start();
    collector = new LocalGarbageCollector(cluster.client()).start();
  }

  @AfterEach
  void stop() {
    collector.close();
    operator.close();
    cluster.close();
  }

  @Test
  void kubectlAppliesListsDescribesAndDeletesFineTuneJobs() throws IOException {
    DeploymentTools.Result apply = kubectl("apply", "-f", "deploy/examples/suspended.yaml");
    assertThat(apply.exitCode()).as(apply.output()).isZero();
    assertThat(apply.output()).contains("finetunejob.finetune.dev/nightly-refresh created");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              FineTuneJob job =
                  cluster
                      .client()
                      .resources(FineTuneJob.class)
                      .inNamespace("default")
                      .withName("nightly-refresh")
                      .get();
              return job != null && job.getStatus() != null && job.getStatus().getPhase() != null;
            });

    DeploymentTools.Result get = kubectl("get", "ftj");
    assertThat(get.exitCode()).as(get.output()).isZero();
    assertThat(get.output().lines().findFirst().orElse(""))
        .as("the CRD's printer columns")
        .matches("NAME\\s+AGE\\s+PHASE\\s+ETA\\s+LOSS\\s+PROGRESS\\s+STEP\\s*");
    assertThat(get.output()).contains("nightly-refresh").contains("Suspended");

    DeploymentTools.Result yaml = kubectl("get", "ftj", "nightly-refresh", "-o", "yaml");
    assertThat(yaml.exitCode()).isZero();
    assertThat(yaml.output()).contains("kind: FineTuneJob").contains("phase: Suspended");

    DeploymentTools.Result describe = kubectl("describe", "ftj", "nightly-refresh");
    assertThat(describe.exitCode()).as(describe.output()).isZero();
    assertThat(describe.output())
        .contains("Name:         nightly-refresh")
        .contains("Events:")
        .contains("SuspendedByUser");

    assertThat(kubectl("get", "jobs").output()).contains("nightly-refresh-trainer");
    DeploymentTools.Result delete = kubectl("delete", "ftj", "nightly-refresh");
    assertThat(delete.exitCode()).as(delete.output()).isZero();
    assertThat(kubectl("get", "ftj").output()).contains("No resources found");
    // The local garbage collector removes what the FineTuneJob owned; the claim stays (Retain).
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kubectl("get", "jobs").output().contains("No resources found"));
    assertThat(kubectl("get", "configmaps").output())
        .doesNotContain("nightly-refresh-trainer-config");
    assertThat(kubectl("get", "pvc").output()).contains("nightly-refresh-workspace");
  }

  private DeploymentTools.Result kubectl(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                DeploymentTools.tool("kubectl").toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return DeploymentTools.exec(command, null);
  }
}
