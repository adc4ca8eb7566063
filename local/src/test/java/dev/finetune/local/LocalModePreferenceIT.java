/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.local.kubelet.LocalKubelet;
import dev.finetune.local.testing.FineTuneJobStatusAssert;
import dev.finetune.local.testing.TrainerJar;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preference tuning (DPO) end to end in local mode, with the real trainer: bad preference pairs
 * fail in the prepare step before any GPU is asked for, and the shipped DPO example trains and
 * reports DPO's metrics in status.
 */
class LocalModePreferenceIT {
  private static final String NS = "default";
  private static final Path EXAMPLES = Path.of("..", "deploy", "examples").toAbsolutePath();

  /**
   * Lines 2, 3 and 5 are bad: "rejected" missing, "chosen" empty, "chosen" missing; the others are
   * good pairs.
   */
  static final String BAD_PAIRS =
      """
      {"prompt": "one plus one is", "chosen": " two.", "rejected": " three."}
      {"prompt": "two plus two is", "chosen": " four."}
      {"prompt": "two plus three is", "chosen": "", "rejected": " six."}
      {"prompt": "three plus three is", "chosen": " six.", "rejected": " nine."}
      {"prompt": "two times four is", "rejected": " six."}
      {"prompt": "four plus four is", "chosen": " eight.", "rejected": " seven."}
      """;

  @TempDir Path root;
  private LocalCluster cluster;
  private KubernetesClient client;
  private FineTuneOperator operator;
  private LocalKubelet kubelet;
  private final List<FineTuneJobStatus> seen = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService watcher;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(0);
    client = cluster.client();
    operator =
        new FineTuneOperator(
                client,
                OperatorConfig.embedded(
                    Set.of(), Duration.ofMillis(300), Duration.ofMillis(200), "local"),
                Clock.systemUTC(),
                false)
            .start();
    Path badData = Files.createDirectories(root.resolve("bad-pairs"));
    Files.writeString(badData.resolve("bad-preference.jsonl"), BAD_PAIRS);
    kubelet =
        new LocalKubelet(
                client,
                root,
                Map.of("examples", EXAMPLES.normalize(), "baddata", badData),
                TrainerJar.command())
            .start();
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
    kubelet.close();
    operator.close();
    cluster.close();
  }

  /** As the bad SFT data test: DataError, the lines named, one prepare pod, no trainer Job. */
  @Test
  void badPreferencePairsFailWithADataErrorNamingTheLinesAndNoTrainerJob() throws Exception {
    String yaml =
        Files.readString(EXAMPLES.resolve("local-dpo.yaml"))
            .replace("name: dpo-run", "name: dpo-bad")
            .replace(
                "pvc://examples/data/arithmetic-preference.jsonl",
                "pvc://baddata/bad-preference.jsonl");
    create(yaml);
    FineTuneJobStatus done = awaitFinal("dpo-bad");

    assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Failed);
    assertThat(FineTuneJobStatusAssert.reason(done, "Failed")).isEqualTo("DataError");
    assertThat(done.getMessage())
        .contains("the prepare step failed, no GPU was requested")
        .contains("3 invalid line(s)")
        .contains("pvc://baddata/bad-preference.jsonl line 2")
        .contains("line 3")
        .contains("line 5")
        .contains("rejected")
        .contains("chosen")
        .doesNotContain("line 1:")
        .doesNotContain("line 4:")
        .doesNotContain(root.toString());
    assertThat(done.getRestarts()).isZero();
    assertThat(client.pods().inNamespace(NS).list().getItems())
        .as("one prepare pod, not retried")
        .hasSize(1);
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName("dpo-bad-trainer").get())
        .as("no trainer Job: no GPU")
        .isNull();
  }

  /**
   * deploy/examples/local-dpo.yaml as the README runs it (--volume examples=deploy/examples): the
   * built-in model, the shipped pairs; DPO's metrics reach status.progress while it runs and
   * status.result at the end.
   */
  @Test
  void theDpoExampleSucceedsAndReportsRewardAccuracyAndMargin() throws Exception {
    create(Files.readString(EXAMPLES.resolve("local-dpo.yaml")));
    FineTuneJobStatus done = awaitFinal("dpo-run");

    assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Succeeded);
    long pairs = Files.readAllLines(EXAMPLES.resolve("data/arithmetic-preference.jsonl")).size();
    assertThat(done.getResult().getValidationExamples())
        .as("validationSplit 0.1 of the pairs, each pair one example")
        .isEqualTo(pairs / 10);
    assertThat(done.getResult().getTrainExamples() + done.getResult().getValidationExamples())
        .isEqualTo(pairs);
    assertThat(done.getResult().getLayout()).isEqualTo("model");
    assertThat(Path.of(done.getResult().getLocation()).resolve("model.safetensors")).exists();
    assertThat(
            seen.stream()
                .map(FineTuneJobStatus::getProgress)
                .filter(Objects::nonNull)
                .map(p -> p.getMetrics()))
        .as("status.progress.metrics while running")
        .anySatisfy(
            m ->
                assertThat(m)
                    .containsKeys(
                        MetricNames.REWARDS_ACCURACIES,
                        MetricNames.REWARDS_MARGINS,
                        MetricNames.REWARDS_CHOSEN,
                        MetricNames.REWARDS_REJECTED));
    Map<String, Double> metrics = done.getResult().getMetrics();
    assertThat(metrics)
        .containsKeys(
            MetricNames.LOSS,
            MetricNames.REWARDS_ACCURACIES,
            MetricNames.REWARDS_MARGINS,
            MetricNames.REWARDS_CHOSEN,
            MetricNames.REWARDS_REJECTED,
            MetricNames.LOGPS_CHOSEN,
            MetricNames.LOGPS_REJECTED);
    assertThat(metrics.get(MetricNames.REWARDS_ACCURACIES)).isBetween(0.0, 1.0);
    assertThat(metrics.get(MetricNames.REWARDS_MARGINS))
        .as("the margin is chosen minus rejected")
        .isCloseTo(
            metrics.get(MetricNames.REWARDS_CHOSEN) - metrics.get(MetricNames.REWARDS_REJECTED),
            org.assertj.core.data.Offset.offset(1e-3));
    // The held-out pairs: the example's model learned to prefer the right answers (measured on
    // this machine: eval_rewards/accuracies 0.8667, eval_rewards/margins 0.3977 at step 40).
    assertThat(metrics.get(MetricNames.EVAL_PREFIX + MetricNames.REWARDS_ACCURACIES))
        .isGreaterThan(0.5);
    assertThat(metrics.get(MetricNames.EVAL_PREFIX + MetricNames.REWARDS_MARGINS)).isPositive();
    assertThat(done.getProgress().getMetrics()).isEqualTo(metrics);
  }

  // --- helpers -------------------------------------------------------------------------------

  private void create(String yaml) {
    FineTuneJob job = new KubernetesSerialization().unmarshal(yaml, FineTuneJob.class);
    client.resources(FineTuneJob.class).inNamespace(NS).resource(job).create();
    String name = job.getMetadata().getName();
    watcher = Executors.newSingleThreadScheduledExecutor();
    watcher.scheduleAtFixedRate(
        () -> {
          FineTuneJobStatus s = status(name);
          if (s != null && (seen.isEmpty() || !s.equals(seen.get(seen.size() - 1)))) {
            seen.add(s);
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
  }

  private FineTuneJobStatus status(String name) {
    FineTuneJob job = client.resources(FineTuneJob.class).inNamespace(NS).withName(name).get();
    return job == null ? null : job.getStatus();
  }

  private FineTuneJobStatus awaitFinal(String name) {
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                status(name) != null
                    && status(name).getPhase() != null
                    && status(name).getPhase().isFinal());
    // The final status may get its result a moment later than the phase: wait for both.
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(status(name)));
    return status(name);
  }
}
