/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.finetune.api.testing.DeploymentTools;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.local.kubelet.LocalKubelet;
import dev.finetune.local.testing.TrainerJar;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against local mode's embedded API, as on a cluster: get (with the columns
 * kubectl shows there, and -w), describe, -o yaml, apply, delete, wait, events, and logs of a
 * running trainer pod and of its Job (with -f).
 */
class KubectlAgainstLocalModeIT {
  @TempDir Path dir;
  private LocalCluster cluster;
  private FineTuneOperator operator;
  private LocalGarbageCollector collector;
  private LocalKubelet kubelet;
  private Path kubeconfig;
  private final List<Process> background = new ArrayList<>();

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
    background.forEach(Process::destroyForcibly);
    // Each may be missing: start() skips the test before anything runs without kubectl.
    for (AutoCloseable part : new AutoCloseable[] {kubelet, collector, operator, cluster}) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
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
    DeploymentTools.Result wide = kubectl("get", "ftj", "-o", "wide");
    assertThat(wide.output().lines().findFirst().orElse(""))
        .as("-o wide adds the priority-1 columns, the objective beside the method, the evaluation")
        .matches(
            "NAME\\s+AGE\\s+OBJECTIVE\\s+METHOD\\s+MODEL\\s+MESSAGE\\s+PHASE\\s+ETA\\s+LOSS"
                + "\\s+PROGRESS\\s+STEP\\s+RESTARTS\\s+EVAL\\s*");

    DeploymentTools.Result yaml = kubectl("get", "ftj", "nightly-refresh", "-o", "yaml");
    assertThat(yaml.exitCode()).isZero();
    assertThat(yaml.output()).contains("kind: FineTuneJob").contains("phase: Suspended");

    DeploymentTools.Result describe = kubectl("describe", "ftj", "nightly-refresh");
    assertThat(describe.exitCode()).as(describe.output()).isZero();
    assertThat(describe.output())
        .contains("Name:         nightly-refresh")
        .contains("Events:")
        .contains("SuspendedByUser");

    // Suspended from the start: its prepare Job waits suspended, and no trainer Job exists yet.
    assertThat(kubectl("get", "jobs").output())
        .contains("nightly-refresh-prepare")
        .doesNotContain("nightly-refresh-trainer");
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

  @Test
  void kubectlFollowsATrainerAsOnACluster() throws Exception {
    kubelet =
        new LocalKubelet(
                cluster.client(),
                dir.resolve("work"),
                Map.of(
                    "examples", Path.of("..", "deploy", "examples").toAbsolutePath().normalize()),
                TrainerJar.command())
            .start();
    cluster.servePodLogs(kubelet);
    // The README's first run, 300 steps long so that there is time to follow it.
    Path manifest = dir.resolve("first-run.yaml");
    Files.writeString(
        manifest,
        Files.readString(Path.of("..", "deploy", "examples", "local-first-run.yaml"))
            .replace("maxSteps: 60", "maxSteps: 300"));
    Process watch = kubectlInBackground("watch.txt", "get", "ftj", "-w");
    DeploymentTools.Result apply = kubectl("apply", "-f", manifest.toString());
    assertThat(apply.exitCode()).as(apply.output()).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> kubectl("logs", "pod/first-run-trainer-1").output().contains("step 10/300"));
    Process follow = kubectlInBackground("follow.txt", "logs", "-f", "job/first-run-trainer");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> follow.isAlive() && !Files.readString(dir.resolve("follow.txt")).isEmpty());
    assertThat(kubectl("get", "ftj", "first-run", "-o", "jsonpath={.status.phase}").output())
        .as("the trainer still runs while logs -f follows it")
        .isEqualTo("Running");

    DeploymentTools.Result wait =
        kubectl("wait", "--for=condition=Ready", "ftj/first-run", "--timeout=180s");
    assertThat(wait.exitCode()).as(wait.output()).isZero();
    assertThat(wait.output().strip())
        .as("kubectl wait prints no warnings")
        .isEqualTo("finetunejob.finetune.dev/first-run condition met");

    // logs -f ends by itself when the container does, with every line up to the last.
    assertThat(follow.waitFor(30, TimeUnit.SECONDS)).as("logs -f ended with the pod").isTrue();
    assertThat(Files.readString(dir.resolve("follow.txt")))
        .contains("step 300/300")
        .contains("saved the model to");
    assertThat(kubectl("logs", "pod/first-run-trainer-1").output()).contains("step 300/300");
    assertThat(kubectl("logs", "--tail=1", "pod/first-run-trainer-1").output().strip())
        .startsWith("saved the model to");

    // get -w printed the job as it changed, under one header.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.readString(dir.resolve("watch.txt")).contains("Succeeded"));
    watch.destroy();
    List<String> watched = Files.readAllLines(dir.resolve("watch.txt"));
    assertThat(watched.get(0))
        .matches("NAME\\s+AGE\\s+PHASE\\s+ETA\\s+LOSS\\s+PROGRESS\\s+STEP\\s*");
    assertThat(watched.stream().filter(l -> l.startsWith("NAME"))).hasSize(1);
    assertThat(watched).anyMatch(l -> l.contains("Running")).anyMatch(l -> l.contains("Succeeded"));

    assertTable(
        kubectl("get", "pods"),
        "NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE",
        "first-run-trainer-1\\s+0/1\\s+Completed\\s+0\\s+" + AGE);
    assertTable(
        kubectl("get", "jobs"),
        "NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE",
        "first-run-trainer\\s+Complete\\s+1/1\\s+" + AGE + "\\s+" + AGE);
    assertTable(
        kubectl("get", "pvc"),
        "NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS.*",
        "first-run-workspace\\s+Bound\\s+\\S+\\s+1Gi\\s+RWO\\s+.*");
    assertTable(
        kubectl("get", "events"),
        "LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE",
        AGE + "\\s+Normal\\s+TrainingSucceeded\\s+finetunejob/first-run\\s+training finished.*");
    DeploymentTools.Result events = kubectl("events");
    assertThat(events.exitCode()).as(events.output()).isZero();
    assertThat(events.output().lines().findFirst().orElse(""))
        .matches("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE\\s*");
    assertThat(events.output()).contains("TrainingSucceeded").contains("FineTuneJob/first-run");
  }

  /**
   * A duration as kubectl prints it: 45s, 2m, 2m5s (a loaded machine can take minutes for the 300
   * steps).
   */
  private static final String AGE = "\\d+[smh]\\w*";

  /** The first line matches {@code header} and some line matches {@code row}. */
  private static void assertTable(DeploymentTools.Result result, String header, String row) {
    assertThat(result.exitCode()).as(result.output()).isZero();
    List<String> lines = result.output().lines().toList();
    assertThat(lines.get(0)).as(result.output()).matches(header + "\\s*");
    assertThat(lines).as(result.output()).anyMatch(l -> l.matches(row + "\\s*"));
  }

  private Process kubectlInBackground(String outputFile, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                DeploymentTools.tool("kubectl").toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(DeploymentTools.root().toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(outputFile).toFile())
            .start();
    background.add(process);
    return process;
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
