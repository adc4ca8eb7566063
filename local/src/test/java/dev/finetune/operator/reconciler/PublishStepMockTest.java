/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import static dev.finetune.local.testing.FineTuneJobStatusAssert.assertThatStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.StepStatus;
import dev.finetune.local.kubelet.JobEmulator;
import dev.finetune.local.testing.OperatorOnMockApi;
import dev.finetune.operator.TestConfigs;
import dev.finetune.operator.TestJobs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publish step against fabric8's mock API server: after the trainer Job, a CPU Job pushes the
 * model; its artifact lands in status.result.artifact; a failed push is retried with a new Job
 * (never a new trainer Job) after the back-off; the evaluation gate stops it. The pods are played
 * by {@link JobEmulator}; the real push is {@code LocalModePublishIT}'s.
 */
class PublishStepMockTest {
  /** A one-second first back-off, so that the retry comes within the test. */
  @RegisterExtension
  static final OperatorOnMockApi API =
      OperatorOnMockApi.withOperator(
          ns -> TestConfigs.watching(ns).withPublishRetryBackoff(Duration.ofSeconds(1)));

  private static final String DIGEST =
      "sha256:4f9c1b2a3d4e5f60718293a4b5c6d7e8f9001122334455667788990011223344";

  private static final String PUBLISHED =
      "{\"status\":\"Succeeded\",\"artifact\":{\"reference\":\"registry.example:5000/models/demo@"
          + DIGEST
          + "\",\"digest\":\""
          + DIGEST
          + "\",\"size\":1234,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"},"
          + "\"tag\":\"demo\",\"files\":3,\"bytes\":9000,"
          + "\"blobs\":{\"total\":4,\"sent\":4,\"skipped\":0,\"bytesSent\":10000}}";

  private static final String UNAUTHORIZED =
      "{\"status\":\"Failed\",\"reason\":\"PublishFailed\",\"error\":\"registry.example:5000"
          + " refused the push of models/demo: UNAUTHORIZED: authentication required\","
          + "\"blobs\":{\"total\":4,\"sent\":0,\"skipped\":0,\"bytesSent\":0}}";

  private static final String TRAINED =
      "{\"status\":\"Succeeded\",\"outputDir\":\"/workspace/output/final\",\"layout\":\"model\","
          + "\"trainLoss\":1.25,\"evalLoss\":1.5,\"steps\":7}";

  private static final String WITH_PUBLISH =
      TestJobs.MINIMAL
          + """
            output:
              publish:
                to: oci://registry.example:5000/models/demo
                credentialsSecretRef: {name: registry-push}
          """;

  private JobEmulator kube;

  @BeforeEach
  void bind() {
    kube = API.jobs();
  }

  @Test
  void afterTrainingACpuJobPushesTheModelAndStatusNamesTheDigest() {
    API.create(TestJobs.fromYaml(WITH_PUBLISH));
    Job trainer = API.awaitTrainerAfterPrepare("demo");
    finish(trainer, 0, TRAINED);

    FineTuneJobStatus publishing = API.awaitStatus("demo", s -> s.getPhase() == Phase.Publishing);
    assertThat(publishing.getResult().getTrainLoss()).isEqualTo(1.25);
    Job publish = API.awaitJob("demo-publish");
    PodSpec pod = publish.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertThat(c.getArgs())
        .containsSequence("--from", "/workspace/output/final")
        .containsSequence("--to", "oci://registry.example:5000/models/demo:demo")
        .containsSequence("--credentials", "/var/run/secrets/finetune/registry/.dockerconfigjson")
        .containsSequence("--train-loss", "1.25")
        .containsSequence("--eval-loss", "1.5")
        .containsSequence("--base-model", "hf://openai-community/gpt2")
        .doesNotContain("--insecure");
    assertThat(c.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(c.getEnv()).noneMatch(e -> e.getValueFrom() != null);
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("registry-push");
              assertThat(v.getSecret().getOptional()).isTrue();
            });
    assertThatStatus(publishing).hasCondition("Published", "Unknown", "Publishing");

    finish(publish, 0, PUBLISHED);
    FineTuneJobStatus done = API.awaitStatus("demo", s -> s.getPhase() == Phase.Succeeded);
    assertThat(done.getResult().getArtifact().getDigest()).isEqualTo(DIGEST);
    assertThat(done.getResult().getArtifact().getReference())
        .isEqualTo("registry.example:5000/models/demo@" + DIGEST);
    assertThat(done.getResult().getArtifact().getSize()).isEqualTo(1234L);
    assertThat(done.getResult().getArtifact().getTag())
        .isEqualTo("registry.example:5000/models/demo:demo");
    assertThat(done.getResult().getTrainLoss()).isEqualTo(1.25);
    assertThatStatus(done).hasCondition("Published", "True", "Published");
    assertThatStatus(done).hasCondition("Succeeded", "True", "Published");
    assertThat(done.getSteps())
        .extracting(StepStatus::getName)
        .containsExactly("prepare", "trainer", "publish");
    await()
        .untilAsserted(
            () ->
                assertThat(API.events("demo"))
                    .filteredOn(e -> "Published".equals(e.getReason()))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains(DIGEST)));
  }

  @Test
  void aFailedPushIsRetriedByANewPublishJobWithoutTrainingAgain() {
    API.create(TestJobs.fromYaml(WITH_PUBLISH));
    Job trainer = API.awaitTrainerAfterPrepare("demo");
    String trainerUid = trainer.getMetadata().getUid();
    finish(trainer, 0, TRAINED);
    Job first = API.awaitJob("demo-publish");
    finish(first, 76, UNAUTHORIZED);

    FineTuneJobStatus failed =
        API.awaitStatus(
            "demo",
            s -> s.getPhase() == Phase.Publishing && "PublishFailed".equals(runningReason(s)));
    assertThat(failed.getMessage())
        .contains("UNAUTHORIZED: authentication required")
        .contains("Secret registry-push")
        .contains("stays at pvc://demo-workspace/output/final");
    assertThatStatus(failed).hasCondition("Published", "False", "PublishFailed");
    await()
        .untilAsserted(
            () ->
                assertThat(API.events("demo"))
                    .filteredOn(e -> "PublishFailed".equals(e.getReason()))
                    .first()
                    .extracting(Event::getType)
                    .isEqualTo("Warning"));

    // After the back-off the failed Job makes way for a new one; the trainer Job stays as it was.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Job now = kube.job(API.namespace(), "demo-publish");
              return now != null
                  && !now.getMetadata().getUid().equals(first.getMetadata().getUid());
            });
    Job second = kube.job(API.namespace(), "demo-publish");
    assertThat(kube.job(API.namespace(), "demo-trainer").getMetadata().getUid())
        .isEqualTo(trainerUid);
    finish(second, 0, PUBLISHED);
    FineTuneJobStatus done = API.awaitStatus("demo", s -> s.getPhase() == Phase.Succeeded);
    assertThat(done.getResult().getArtifact().getDigest()).isEqualTo(DIGEST);
    assertThat(done.getSteps())
        .filteredOn(s -> "publish".equals(s.getName()))
        .singleElement()
        .satisfies(s -> assertThat(s.getFailures()).isEqualTo(1));
    assertThat(API.client().batch().v1().jobs().inNamespace(API.namespace()).list().getItems())
        .extracting(j -> j.getMetadata().getName())
        .containsOnlyOnce("demo-trainer");
  }

  @Test
  void aModelThatFailsTheEvaluationGateIsNotPushed() {
    API.create(
        TestJobs.fromYaml(
            WITH_PUBLISH.replace("format: text", "format: text\n    validationSplit: 0.1")
                + """
                  evaluation:
                    tasks: []
                    gate:
                      rules: [{task: validation, metric: loss, minDelta: 0.1}]
                """));
    Job trainer = API.awaitTrainerAfterPrepare("demo");
    finish(
        trainer,
        0,
        "{\"status\":\"Succeeded\",\"outputDir\":\"/workspace/output/final\",\"layout\":\"model\","
            + "\"trainLoss\":1.25,\"evalLoss\":1.5,\"steps\":7,\"evaluation\":[{\"task\":"
            + "\"validation\",\"metric\":\"loss\",\"base\":1.4,\"tuned\":1.5,\"delta\":0.1}]}");

    FineTuneJobStatus done = API.awaitStatus("demo", s -> s.getPhase() == Phase.Succeeded);
    assertThatStatus(done).hasCondition("Promoted", "False", "EvaluationGateFailed");
    assertThatStatus(done).hasCondition("Published", "False", "NotPromoted");
    assertThat(done.getMessage()).contains("not published");
    assertThat(done.getResult().getArtifact()).isNull();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(kube.job(API.namespace(), "demo-publish")).isNull());
  }

  /** Plays a Job's one pod to its end: exit code, termination message, the Job's condition. */
  private void finish(Job job, int exitCode, String message) {
    Pod pod = kube.createPod(job);
    kube.running(pod);
    kube.jobStatus(job, 1, 0, null, null);
    kube.podExited(job, pod, exitCode, message);
  }

  private static String runningReason(FineTuneJobStatus status) {
    return status.getConditions() == null
        ? null
        : status.getConditions().stream()
            .filter(c -> "Running".equals(c.getType()))
            .map(c -> c.getReason())
            .findFirst()
            .orElse(null);
  }
}
