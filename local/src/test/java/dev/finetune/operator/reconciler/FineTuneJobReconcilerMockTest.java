/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import static dev.finetune.local.testing.FineTuneJobStatusAssert.assertThatStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.StepState;
import dev.finetune.api.v1alpha1.StepStatus;
import dev.finetune.local.kubelet.JobEmulator;
import dev.finetune.local.testing.FineTuneJobStatusAssert;
import dev.finetune.local.testing.OperatorOnMockApi;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.TestConfigs;
import dev.finetune.operator.TestJobs;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator in-process against fabric8's mock API server in CRUD mode. The mock runs no Job
 * controller and no kubelet: {@link JobEmulator} writes Pod and Job status instead.
 */
class FineTuneJobReconcilerMockTest {
  @RegisterExtension
  static final OperatorOnMockApi API = OperatorOnMockApi.withOperator(TestConfigs::watching);

  private KubernetesClient client;
  private String namespace;
  private FineTuneOperator operator;
  private JobEmulator kube;

  @BeforeEach
  void bind() {
    client = API.client();
    namespace = API.namespace();
    operator = API.operator();
    kube = API.jobs();
  }

  @Test
  void createsConfigMapClaimAndJobThenFollowsThePodToSuccess() {
    FineTuneJob created = create(TestJobs.MINIMAL);

    Job job = awaitJob("demo-trainer");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid()));
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName("demo-trainer-config").get();
    assertThat(cm.getData()).containsKey("trainer-config.json");
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(namespace).withName("demo-workspace").get();
    assertThat(claim).isNotNull();
    assertThat(claim.getMetadata().getOwnerReferences()).isNullOrEmpty();

    FineTuneJobStatus pending = awaitStatus(s -> s.getPhase() == Phase.Pending);
    assertThat(pending.getTrainerJob()).isEqualTo("demo-trainer");
    assertThat(pending.getObservedGeneration()).isEqualTo(1L);
    assertCondition(pending, "Validated", "True", "SpecValid");
    // The prepare step's report, before any trainer pod.
    assertThat(pending.getDataset().getTrainExamples()).isEqualTo(30);
    assertThat(pending.getDataset().getValidationExamples()).isEqualTo(10);
    assertThat(pending.getDataset().getTruncated()).isEqualTo(2);
    assertThat(pending.getDataset().getFiles().get(0).getSha256()).isEqualTo("ab12");
    assertThat(pending.getModel().getArchitecture()).isEqualTo("llama");
    assertThat(pending.getModel().getTrainableParameters()).isEqualTo(100);
    assertThat(pending.getModel().getEstimatedTrainingMemory()).isEqualTo("2.0Gi");
    assertThat(pending.getProgress().getTotalSteps()).isEqualTo(7);

    Pod pod = kube.createPod(job);
    kube.jobStatus(job, 1, 0, null, null);
    kube.running(pod);
    FineTuneJobStatus running = awaitStatus(s -> s.getPhase() == Phase.Running);
    assertThat(running.getStartTime()).isNotNull();
    assertThat(running.getMessage()).contains("gpu-node-1");
    assertCondition(running, "Running", "True", "TrainerRunning");
    assertCondition(running, "Succeeded", "False", "TrainerRunning");

    kube.terminated(pod, 0, "Completed", "{\"status\":\"Succeeded\"}");
    kube.jobStatus(job, 0, 0, "Complete", null);
    FineTuneJobStatus done = awaitStatus(s -> s.getPhase() == Phase.Succeeded);
    assertThat(done.getCompletionTime()).isNotNull();
    assertThat(done.getStartTime()).isEqualTo(running.getStartTime());
    assertCondition(done, "Succeeded", "True", "TrainingSucceeded");
    assertCondition(done, "Running", "False", "TrainingSucceeded");

    await()
        .untilAsserted(
            () ->
                assertThat(eventReasons("demo"))
                    .contains(
                        "Preparing",
                        "DataValidated",
                        "TrainerJobCreated",
                        "TrainerRunning",
                        "TrainingSucceeded"));
    // One Event names everything the first reconcile created, and what happens next; the
    // reconcile the new children wake reads the status just written (kept in the controller's
    // cache until the watch brings it), so it does not repeat the Event.
    assertThat(events("demo"))
        .filteredOn(e -> "Preparing".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .startsWith(
                        "created ConfigMap demo-trainer-config, PersistentVolumeClaim"
                            + " demo-workspace and prepare Job demo-prepare; the prepare step is"
                            + " staging"));
    assertThat(events("demo"))
        .filteredOn(e -> "DataValidated".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("30 examples train, 10 validate"));
    assertThat(events("demo"))
        .filteredOn(e -> "TrainerJobCreated".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .isEqualTo(
                        "created trainer Job demo-trainer; waiting for the trainer pod to be"
                            + " created"));
  }

  /**
   * A failed prepare step fails the FineTuneJob with the reason and words of its termination
   * message, and no trainer Job — no GPU — is ever created.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          65 | DataError           | train.jsonl line 3: missing "text"
          78 | ModelUnsupported    | config.json: model_type "mixtral" is not supported
          73 | InsufficientStorage | not enough storage: /workspace/checkpoints needs 40.0 GiB, the volume has 9.5 GiB free
          """)
  void aFailedPrepareStepFailsTheJobWithItsReasonAndNoTrainerJob(
      int exitCode, String reason, String error) {
    create(TestJobs.MINIMAL);
    FineTuneJobStatus validating = awaitStatus(s -> s.getPhase() == Phase.Validating);
    assertCondition(validating, "Running", "False", "Preparing");

    String message =
        "{\"status\":\"Failed\",\"reason\":\""
            + reason
            + "\",\"error\":"
            + new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(error).toString()
            + "}";
    API.finishPrepare("demo", exitCode, message);
    FineTuneJobStatus failed = awaitStatus(s -> s.getPhase() == Phase.Failed);
    assertCondition(failed, "Failed", "True", reason);
    assertThat(failed.getMessage()).contains("no GPU was requested").endsWith(error);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(kube.job(namespace, "demo-trainer")).isNull());
    assertThat(warnings("demo")).contains(reason);
  }

  @Test
  void unschedulableAndImagePullProblemsAreReportedFromThePod() {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    Pod pod = kube.createPod(job);
    kube.unschedulable(pod, "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.");
    FineTuneJobStatus unschedulable =
        awaitStatus(s -> "Unschedulable".equals(reason(s, "Running")));
    assertThat(unschedulable.getPhase()).isEqualTo(Phase.Pending);
    assertThat(unschedulable.getMessage()).contains("Insufficient nvidia.com/gpu");

    kube.waiting(kube.podNamed(pod), "ImagePullBackOff", "Back-off pulling image");
    FineTuneJobStatus pull = awaitStatus(s -> "ImagePullFailed".equals(reason(s, "Running")));
    assertThat(pull.getPhase()).isEqualTo(Phase.Pending);
    assertThat(pull.getMessage())
        .contains("cannot pull trainer image")
        .contains("ImagePullBackOff");

    await()
        .untilAsserted(
            () -> assertThat(warnings("demo")).contains("Unschedulable", "ImagePullFailed"));
  }

  @Test
  void oomKilledTrainerFailsWithTheReasonFromThePod() {
    create(TestJobs.MINIMAL + "  runPolicy: {backoffLimit: 0}\n");
    Job job = awaitJob("demo-trainer");
    Pod pod = kube.createPod(job);
    kube.running(pod);
    kube.terminated(kube.podNamed(pod), 137, "OOMKilled", null);
    kube.jobStatus(job, 0, 1, "Failed", "BackoffLimitExceeded");

    FineTuneJobStatus failed = awaitStatus(s -> s.getPhase() == Phase.Failed);
    assertCondition(failed, "Failed", "True", "OOMKilled");
    assertThat(failed.getMessage()).contains("memory limit").contains("after 1 attempts");
    assertThat(failed.getCompletionTime()).isNotNull();
    assertThat(failed.getRestarts()).isZero();
    await().untilAsserted(() -> assertThat(warnings("demo")).contains("OOMKilled"));
  }

  @Test
  void configErrorExitCodeFailsWithTheTerminationMessage() {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    Pod pod = kube.createPod(job);
    kube.terminated(
        pod,
        78,
        "Error",
        "{\"status\":\"Failed\",\"error\":\"model directory has no config.json\"}");
    kube.jobStatus(job, 0, 1, "Failed", "PodFailurePolicy");

    FineTuneJobStatus failed = awaitStatus(s -> s.getPhase() == Phase.Failed);
    assertCondition(failed, "Failed", "True", "ConfigError");
    assertThat(failed.getMessage())
        .isEqualTo(
            "the trainer stopped on a configuration error (exit code 78): model directory has no"
                + " config.json");
  }

  @Test
  void crashesAreCountedAsRestartsUntilTheJobSucceeds() {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    Pod first = kube.createPod(job);
    kube.running(first);
    kube.terminated(kube.podNamed(first), 1, "Error", "Traceback...\nRuntimeError: CUDA error");
    kube.jobStatus(job, 0, 1, null, null);
    FineTuneJobStatus waiting = awaitStatus(s -> s.getMessage().contains("after 1 failed attempt"));
    assertThat(waiting.getPhase()).isEqualTo(Phase.Pending);
    assertThat(waiting.getRestarts()).as("not replaced yet").isZero();

    Pod second = kube.createPod(job);
    kube.running(second);
    kube.jobStatus(job, 1, 1, null, null);
    FineTuneJobStatus running = awaitStatus(s -> s.getPhase() == Phase.Running);
    assertThat(running.getRestarts()).isEqualTo(1);
  }

  @Test
  void suspendAndResumeToggleOnlyTheJobsSuspendField() {
    create(TestJobs.MINIMAL + "  runPolicy: {suspend: true}\n");
    Job job = awaitJob("demo-trainer");
    assertThat(job.getSpec().getSuspend()).isTrue();
    FineTuneJobStatus suspended = awaitStatus(s -> s.getPhase() == Phase.Suspended);
    assertCondition(suspended, "Suspended", "True", "SuspendedByUser");

    ftj()
        .edit(
            f -> {
              f.getSpec().getRunPolicy().setSuspend(false);
              return f;
            });
    await()
        .until(
            () -> Boolean.FALSE.equals(kube.job(namespace, "demo-trainer").getSpec().getSuspend()));
    FineTuneJobStatus resumed = awaitStatus(s -> s.getPhase() == Phase.Pending);
    assertCondition(resumed, "Suspended", "False", "NotSuspended");
    assertCondition(resumed, "SpecApplied", "True", "SpecApplied");
    Job after = kube.job(namespace, "demo-trainer");
    assertThat(after.getMetadata().getUid()).isEqualTo(job.getMetadata().getUid());
    assertThat(after.getSpec().getTemplate()).isEqualTo(job.getSpec().getTemplate());

    ftj()
        .edit(
            f -> {
              f.getSpec().getRunPolicy().setSuspend(true);
              return f;
            });
    await()
        .until(
            () -> Boolean.TRUE.equals(kube.job(namespace, "demo-trainer").getSpec().getSuspend()));
    awaitStatus(s -> s.getPhase() == Phase.Suspended);
  }

  @Test
  void queuedJobWaitsForKueueAndIsNotUnsuspendedByTheOperator() {
    create(TestJobs.MINIMAL + "  queueName: gpu-team-a\n");
    Job job = awaitJob("demo-trainer");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "gpu-team-a");
    FineTuneJobStatus queued = awaitStatus(s -> s.getPhase() == Phase.Queued);
    assertThat(queued.getMessage()).contains("gpu-team-a");
    assertThat(kube.job(namespace, "demo-trainer").getSpec().getSuspend()).isTrue();
  }

  @Test
  void invalidSpecFailsWithTheFieldNamedAndCreatesNothing() {
    create(
        TestJobs.MINIMAL
            + "  hyperparameters: {learningRate: 5, warmupRatio: 0.1, warmupSteps: 3}\n");
    FineTuneJobStatus failed = awaitStatus(s -> s.getPhase() == Phase.Failed);
    assertCondition(failed, "Validated", "False", "InvalidSpec");
    assertCondition(failed, "Failed", "True", "InvalidSpec");
    assertThat(failed.getMessage())
        .contains("spec.hyperparameters.learningRate must be <= 1")
        .contains(
            "set either spec.hyperparameters.warmupRatio or spec.hyperparameters.warmupSteps");
    assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace(namespace).list().getItems()).isEmpty();
    assertThat(client.persistentVolumeClaims().inNamespace(namespace).list().getItems()).isEmpty();
    await().untilAsserted(() -> assertThat(warnings("demo")).contains("InvalidSpec"));

    // Fixing the spec gives it another look.
    ftj()
        .edit(
            f -> {
              f.getSpec().getHyperparameters().setLearningRate(1e-4);
              f.getSpec().getHyperparameters().setWarmupSteps(null);
              return f;
            });
    awaitJob("demo-trainer");
    FineTuneJobStatus fixed = awaitStatus(s -> s.getPhase() == Phase.Pending);
    assertCondition(fixed, "Validated", "True", "SpecValid");
    assertThat(fixed.getObservedGeneration()).isEqualTo(2L);
  }

  /**
   * The mock API server applies no CEL rule, as an old or bypassed API server would not: the
   * operator refuses DPO settings without objective dpo, and a flip rate without loss robust,
   * itself, naming each field; once fixed, the trainer's config carries the objective and every DPO
   * setting resolved.
   */
  @Test
  void dpoSettingsTheApiServerDidNotCheckAreRefusedAndOnceFixedReachTheTrainerConfig()
      throws IOException {
    create(TestJobs.MINIMAL + "  method: {dpo: {beta: 0.2, labelSmoothing: 0.1}}\n");
    FineTuneJobStatus failed = awaitStatus(s -> s.getPhase() == Phase.Failed);
    assertCondition(failed, "Failed", "True", "InvalidSpec");
    assertThat(failed.getMessage())
        .contains("spec.method.dpo may only be set when spec.method.objective is dpo")
        .contains("spec.method.dpo.labelSmoothing is only used by spec.method.dpo.loss robust");
    assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace(namespace).list().getItems()).isEmpty();

    ftj()
        .edit(
            f -> {
              f.getSpec().getDataset().setFormat(DataFormat.PREFERENCE);
              f.getSpec().getMethod().setObjective(ObjectiveType.DPO);
              f.getSpec().getMethod().getDpo().setLoss(DpoLoss.ROBUST);
              return f;
            });
    awaitJob("demo-trainer");
    JsonNode config =
        new ObjectMapper()
            .readTree(
                client
                    .configMaps()
                    .inNamespace(namespace)
                    .withName("demo-trainer-config")
                    .get()
                    .getData()
                    .get("trainer-config.json"));
    assertThat(config.path("objective").asText()).isEqualTo("dpo");
    assertThat(config.path("dpo").toString())
        .isEqualTo("{\"beta\":0.2,\"loss\":\"robust\",\"labelSmoothing\":0.1}");
    assertThat(config.at("/data/format").asText()).isEqualTo("preference");
  }

  @Test
  void specChangeAfterStartIsReportedNotApplied() {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    awaitStatus(s -> s.getPhase() == Phase.Pending);
    ftj()
        .edit(
            f -> {
              f.getSpec().getModel().setSource("hf://other/model");
              return f;
            });
    FineTuneJobStatus drift = awaitStatus(s -> "False".equals(status(s, "SpecApplied")));
    assertCondition(drift, "SpecApplied", "False", "SpecChangedAfterStart");
    assertThat(condition(drift, "SpecApplied").getMessage()).startsWith("spec.model changed");
    assertThat(drift.getObservedGeneration()).isEqualTo(2L);
    Job after = kube.job(namespace, "demo-trainer");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(job.getMetadata().getResourceVersion());
    assertThat(
            client
                .configMaps()
                .inNamespace(namespace)
                .withName("demo-trainer-config")
                .get()
                .getData()
                .get("trainer-config.json"))
        .contains("hf://openai-community/gpt2")
        .doesNotContain("hf://other/model");
    await().untilAsserted(() -> assertThat(warnings("demo")).contains("SpecChangedAfterStart"));
  }

  @Test
  void reconcilingAgainChangesNothing() {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    Pod pod = kube.createPod(job);
    kube.running(pod);
    awaitStatus(s -> s.getPhase() == Phase.Running);
    String version = ftj().get().getMetadata().getResourceVersion();
    int events = client.v1().events().inNamespace(namespace).list().getItems().size();

    // Unrelated events for the job: a label on the FineTuneJob, a touch on a child.
    ftj()
        .edit(
            f -> {
              f.getMetadata().getLabels().put("touched", "yes");
              return f;
            });
    client
        .configMaps()
        .inNamespace(namespace)
        .withName("demo-trainer-config")
        .edit(
            c -> {
              c.getMetadata().getAnnotations().put("touched", "yes");
              return c;
            });
    String touched = ftj().get().getMetadata().getResourceVersion();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(ftj().get().getMetadata().getResourceVersion()).isEqualTo(touched);
            });
    assertThat(touched).isNotEqualTo(version);
    assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems())
        .as("the prepare Job and the trainer Job, once each")
        .hasSize(2);
    assertThat(client.v1().events().inNamespace(namespace).list().getItems()).hasSize(events);
  }

  @Test
  void operatorRestartMidRunPicksUpWithoutDuplicates() throws IOException {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    Pod pod = kube.createPod(job);
    kube.running(pod);
    FineTuneJobStatus before = awaitStatus(s -> s.getPhase() == Phase.Running);
    String version = ftj().get().getMetadata().getResourceVersion();
    List<Event> eventsBefore = client.v1().events().inNamespace(namespace).list().getItems();

    operator = API.restartOperator();
    await().until(operator::isReady);

    // The new operator sees the same state: nothing created, status unchanged.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(ftj().get().getMetadata().getResourceVersion()).isEqualTo(version));
    assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems())
        .as("the prepare Job and the trainer Job, once each")
        .hasSize(2);
    assertThat(kube.job(namespace, "demo-trainer").getMetadata().getUid())
        .isEqualTo(job.getMetadata().getUid());
    assertThat(client.configMaps().inNamespace(namespace).list().getItems()).hasSize(1);
    assertThat(client.persistentVolumeClaims().inNamespace(namespace).list().getItems()).hasSize(1);
    assertThat(ftj().get().getStatus()).isEqualTo(before);
    assertThat(client.v1().events().inNamespace(namespace).list().getItems())
        .hasSize(eventsBefore.size());

    // And it goes on following the run.
    kube.terminated(kube.podNamed(pod), 0, "Completed", null);
    kube.jobStatus(job, 0, 0, "Complete", null);
    awaitStatus(s -> s.getPhase() == Phase.Succeeded);
  }

  @Test
  void succeededJobWhoseTrainerJobIsCleanedUpIsNotStartedAgain() {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    kube.jobStatus(job, 0, 0, "Complete", null);
    awaitStatus(s -> s.getPhase() == Phase.Succeeded);

    // ttlSecondsAfterFinished: the TTL controller deletes the finished Jobs.
    client.batch().v1().jobs().inNamespace(namespace).withName("demo-trainer").delete();
    client.batch().v1().jobs().inNamespace(namespace).withName("demo-prepare").delete();
    ftj()
        .edit(
            f -> {
              f.getMetadata().getLabels().put("poke", "1");
              return f;
            });
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems())
                    .isEmpty());
    assertThat(ftj().get().getStatus().getPhase()).isEqualTo(Phase.Succeeded);
  }

  /**
   * The prepare step's progress is read from status.steps, not from its Job: once recorded as
   * Succeeded, a prepare Job deleted by its TTL is not created again, and status.model and
   * status.dataset (read from that Job's pod) stay.
   */
  @Test
  void aCompletedPrepareStepIsNotRunAgainWhenItsJobIsGone() {
    create(TestJobs.MINIMAL);
    Job trainer = awaitJob("demo-trainer");
    FineTuneJobStatus before =
        awaitStatus(
            s -> s.getSteps() != null && s.getSteps().size() == 2 && s.getDataset() != null);
    assertThat(before.getSteps())
        .extracting(StepStatus::getName, StepStatus::getJob, StepStatus::getState)
        .containsExactly(
            tuple("prepare", "demo-prepare", StepState.Succeeded),
            tuple("trainer", "demo-trainer", StepState.Active));

    // The TTL controller deletes the finished prepare Job; the trainer Job goes too (deleted by
    // hand), so that only status.steps tells the operator that prepare has passed.
    client.batch().v1().jobs().inNamespace(namespace).withName("demo-prepare").delete();
    client.batch().v1().jobs().inNamespace(namespace).withName("demo-trainer").delete();
    await()
        .until(
            () ->
                kube.job(namespace, "demo-trainer") != null
                    && !trainer
                        .getMetadata()
                        .getUid()
                        .equals(kube.job(namespace, "demo-trainer").getMetadata().getUid()));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(kube.job(namespace, "demo-prepare")).isNull());
    FineTuneJobStatus after = ftj().get().getStatus();
    assertThat(after.getPhase()).isEqualTo(Phase.Pending);
    assertThat(after.getDataset()).isEqualTo(before.getDataset());
    assertThat(after.getModel()).isEqualTo(before.getModel());
    assertThat(after.getSteps().get(0)).isEqualTo(before.getSteps().get(0));
    assertThat(eventReasons("demo")).containsOnlyOnce("DataValidated");

    // The re-created trainer Job runs to the end as usual.
    Job again = kube.job(namespace, "demo-trainer");
    kube.jobStatus(again, 0, 0, "Complete", null);
    FineTuneJobStatus done = awaitStatus(s -> s.getPhase() == Phase.Succeeded);
    assertThat(done.getSteps())
        .extracting(StepStatus::getState)
        .containsExactly(StepState.Succeeded, StepState.Succeeded);
  }

  @Test
  void deletingTheFineTuneJobLeavesTheRetainedClaim() {
    create(TestJobs.MINIMAL);
    awaitJob("demo-trainer");
    await()
        .until(
            () ->
                client
                        .persistentVolumeClaims()
                        .inNamespace(namespace)
                        .withName("demo-workspace")
                        .get()
                    != null);
    ftj().delete();
    await().until(() -> ftj().get() == null);

    // The mock runs no garbage collector: what a real cluster's GC deletes is what carries an
    // owner reference. The Job and ConfigMap do; the retained claim does not.
    assertThat(kube.job(namespace, "demo-trainer").getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(
            client
                .configMaps()
                .inNamespace(namespace)
                .withName("demo-trainer-config")
                .get()
                .getMetadata()
                .getOwnerReferences())
        .hasSize(1);
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(namespace).withName("demo-workspace").get();
    assertThat(claim).isNotNull();
    assertThat(claim.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  @Test
  void probesAndMetricsAreServed() throws Exception {
    create(TestJobs.MINIMAL);
    Job job = awaitJob("demo-trainer");
    kube.running(kube.createPod(job));
    awaitStatus(s -> s.getPhase() == Phase.Running);
    await().until(operator::isReady);

    var http = java.net.http.HttpClient.newHttpClient();
    String base = "http://localhost:" + operator.httpPort();
    assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
    var metrics = get(http, base + "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(metrics.body())
        .contains("finetune_jobs{phase=\"Running\"} 1.0")
        .contains("finetune_jobs{phase=\"Failed\"} 0.0")
        .contains("finetune_gpus_in_use 1.0")
        .contains("jvm_memory_used_bytes")
        .contains("operator_sdk_");
    assertThat(metrics.body()).doesNotContain("resource.name=\"demo\"");
    // A real scrape must pass promtool's checks of names, units and HELP text.
    java.nio.file.Path scrape = java.nio.file.Path.of("target", "scrapes", "operator-metrics.txt");
    java.nio.file.Files.createDirectories(scrape.getParent());
    java.nio.file.Files.writeString(scrape, metrics.body());
    var check =
        dev.finetune.api.testing.DeploymentTools.run(
            "promtool", scrape.toAbsolutePath(), "check", "metrics");
    assertThat(check.output()).as("promtool check metrics").isEmpty();
    assertThat(check.exitCode()).isZero();
  }

  private static java.net.http.HttpResponse<String> get(java.net.http.HttpClient http, String url)
      throws Exception {
    return http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  // --- helpers -------------------------------------------------------------------------------

  private FineTuneJob create(String yaml) {
    return API.create(TestJobs.fromYaml(yaml));
  }

  private Resource<FineTuneJob> ftj() {
    return client.resources(FineTuneJob.class).inNamespace(namespace).withName("demo");
  }

  /** The Job {@code name}; a trainer Job after its prepare step is played to success. */
  private Job awaitJob(String name) {
    if (name.endsWith("-trainer") && kube.job(namespace, name) == null) {
      return API.awaitTrainerAfterPrepare(name.substring(0, name.length() - "-trainer".length()));
    }
    return API.awaitJob(name);
  }

  private FineTuneJobStatus awaitStatus(Predicate<FineTuneJobStatus> condition) {
    return API.awaitStatus("demo", condition);
  }

  private List<String> eventReasons(String name) {
    return events(name).stream().map(Event::getReason).toList();
  }

  private List<String> warnings(String name) {
    return events(name).stream()
        .filter(e -> "Warning".equals(e.getType()))
        .map(Event::getReason)
        .toList();
  }

  private List<Event> events(String name) {
    return API.events(name);
  }

  private static Condition condition(FineTuneJobStatus status, String type) {
    return FineTuneJobStatusAssert.condition(status, type).orElseThrow();
  }

  private static String status(FineTuneJobStatus status, String type) {
    return condition(status, type).getStatus();
  }

  private static String reason(FineTuneJobStatus status, String type) {
    return FineTuneJobStatusAssert.reason(status, type);
  }

  private static void assertCondition(
      FineTuneJobStatus status, String type, String value, String reason) {
    assertThatStatus(status).hasCondition(type, value, reason);
  }
}
