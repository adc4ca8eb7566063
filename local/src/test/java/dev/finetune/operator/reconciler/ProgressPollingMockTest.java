/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import static dev.finetune.local.testing.FineTuneJobStatusAssert.assertThatStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.local.kubelet.JobEmulator;
import dev.finetune.local.testing.FineTuneJobStatusAssert;
import dev.finetune.local.testing.OperatorOnMockApi;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.TestConfigs;
import dev.finetune.operator.TestJobs;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator polls a (fake) trainer's /progress on its own schedule and writes progress,
 * checkpoints, a CheckpointSaved event per checkpoint and, at the end, the result from the
 * termination message into status; a hostile answer is rejected without harm.
 */
class ProgressPollingMockTest {
  @RegisterExtension static final OperatorOnMockApi API = OperatorOnMockApi.apiOnly();

  private KubernetesClient client;

  private final AtomicReference<String> answer = new AtomicReference<>("{}");
  private final AtomicInteger polls = new AtomicInteger();
  private HttpServer trainer;
  private String namespace;
  private FineTuneOperator operator;
  private JobEmulator kube;

  @BeforeEach
  void start() throws IOException {
    trainer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    trainer.createContext(
        "/progress",
        exchange -> {
          polls.incrementAndGet();
          byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    trainer.start();
    client = API.client();
    namespace = API.namespace();
    kube = API.jobs();
    operator =
        API.startOperator(
            TestConfigs.polling(namespace, trainer.getAddress().getPort(), Duration.ofMillis(200)));
  }

  @AfterEach
  void stop() {
    operator.close();
    trainer.stop(0);
  }

  @Test
  void progressCheckpointsAndTheResultReachTheStatus() {
    answer.set(progress(40, 200, "[" + checkpoint(25) + "]", "null"));
    create();
    Job job = awaitJob();
    Pod pod = kube.createPod(job);
    kube.jobStatus(job, 1, 0, null, null);
    kube.runningAt(pod, "127.0.0.1");

    // Before the first poll, progress holds the prepare step's totalSteps at step 0.
    FineTuneJobStatus first =
        awaitStatus(s -> s.getProgress() != null && s.getProgress().getStep() > 0);
    assertThat(first.getPhase()).isEqualTo(Phase.Running);
    assertThat(first.getProgress().getStep()).isEqualTo(40);
    assertThat(first.getProgress().getPercent()).isEqualTo("20%");
    assertThat(first.getProgress().getEta()).isEqualTo("2m0s");
    assertThat(first.getLatestCheckpoint())
        .isEqualTo("pvc://demo-workspace/checkpoints/checkpoint-25");
    assertCondition(first, "TrainerReachable", "True", "ProgressReported");

    answer.set(progress(60, 200, "[" + checkpoint(25) + "," + checkpoint(50) + "]", "25"));
    FineTuneJobStatus later = awaitStatus(s -> s.getProgress().getStep() == 60);
    assertThat(later.getCheckpoints()).extracting(c -> c.getStep()).containsExactly(25L, 50L);
    assertThat(later.getProgress().getResumedFromStep()).isEqualTo(25);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> events(Event::getReason).stream().filter("CheckpointSaved"::equals).count() == 2);
    assertThat(events(Event::getMessage))
        .contains(
            "checkpoint at step 50 saved to pvc://demo-workspace/checkpoints/checkpoint-50 (loss 2.5)");

    // A hostile answer: rejected, said so in a condition, and the last good progress stays.
    answer.set("{\"step\": 999999, \"totalSteps\": 10, \"epoch\": 1, \"trainedTokens\": 0}");
    FineTuneJobStatus rejected =
        awaitStatus(s -> "False".equals(condition(s, "TrainerReachable").getStatus()));
    assertCondition(rejected, "TrainerReachable", "False", "ProgressRejected");
    assertThat(condition(rejected, "TrainerReachable").getMessage())
        .contains("totalSteps 10 does not fit step 999999")
        .endsWith("polling goes on");
    assertThat(rejected.getProgress().getStep()).isEqualTo(60);
    assertThat(rejected.getPhase()).isEqualTo(Phase.Running);

    // The end: the result comes from the termination message even though no poll saw it.
    kube.terminated(
        pod,
        0,
        "Completed",
        "{\"status\":\"Succeeded\",\"outputDir\":\"/workspace/output/final\",\"layout\":\"model\","
            + "\"trainLoss\":1.9,\"evalLoss\":2.1,\"trainedTokens\":51200,\"steps\":200}");
    kube.jobStatus(job, 0, 0, "Complete", null);
    FineTuneJobStatus done = awaitStatus(s -> s.getPhase() == Phase.Succeeded);
    assertThat(done.getResult().getLocation()).isEqualTo("pvc://demo-workspace/output/final");
    assertThat(done.getResult().getTrainLoss()).isEqualTo(1.9);
    assertThat(done.getProgress().getStep()).isEqualTo(200);
    assertThat(done.getProgress().getPercent()).isEqualTo("100%");
    assertThat(done.getCheckpoints()).hasSize(2);
    assertCondition(done, "TrainerReachable", "Unknown", "NotRunning");
  }

  @Test
  void anUnchangedTrainerCostsNoStatusWrites() {
    answer.set(progress(40, 200, "[]", "null"));
    create();
    Job job = awaitJob();
    Pod pod = kube.createPod(job);
    kube.runningAt(pod, "127.0.0.1");
    // The first poll's step (the prepare step already set progress.totalSteps).
    awaitStatus(s -> s.getProgress() != null && Long.valueOf(40).equals(s.getProgress().getStep()));
    String version = ftj().getMetadata().getResourceVersion();
    int before = polls.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() >= before + 5);
    assertThat(ftj().getMetadata().getResourceVersion())
        .as("five more polls of the same progress wrote nothing")
        .isEqualTo(version);
  }

  // --- helpers -------------------------------------------------------------------------------

  private static String progress(long step, long total, String checkpoints, String resumed) {
    return "{\"phase\":\"Training\",\"step\":"
        + step
        + ",\"totalSteps\":"
        + total
        + ",\"epoch\":0.5,\"loss\":2.5,\"learningRate\":1.0E-4,\"tokensPerSecond\":100.0,"
        + "\"trainedTokens\":1000,\"etaSeconds\":120,\"checkpoints\":"
        + checkpoints
        + ",\"resumedFromStep\":"
        + resumed
        + "}";
  }

  private static String checkpoint(long step) {
    return "{\"step\":"
        + step
        + ",\"path\":\"/workspace/checkpoints/checkpoint-"
        + step
        + "\",\"loss\":2.5,\"time\":\"2026-11-27T22:40:12Z\"}";
  }

  private void create() {
    API.create(TestJobs.minimal());
  }

  private FineTuneJob ftj() {
    return API.ftj("demo").get();
  }

  private Job awaitJob() {
    return API.awaitTrainerAfterPrepare("demo");
  }

  private FineTuneJobStatus awaitStatus(Predicate<FineTuneJobStatus> condition) {
    return API.awaitStatus("demo", condition);
  }

  private <T> List<T> events(java.util.function.Function<Event, T> field) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .map(field)
        .toList();
  }

  private static Condition condition(FineTuneJobStatus status, String type) {
    return FineTuneJobStatusAssert.condition(status, type).orElseThrow();
  }

  private static void assertCondition(
      FineTuneJobStatus status, String type, String value, String reason) {
    assertThatStatus(status).hasCondition(type, value, reason);
  }
}
