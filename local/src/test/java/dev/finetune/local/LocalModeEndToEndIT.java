/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.FakeHub;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.CheckpointStatus;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.local.kubelet.LocalKubelet;
import dev.finetune.local.testing.FineTuneJobStatusAssert;
import dev.finetune.local.testing.TrainerJar;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.UserTerms;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * The whole system on one machine: the embedded API, the operator, and the local kubelet running
 * the real trainer as processes on the tiny fixture model.
 */
class LocalModeEndToEndIT {
  private static final String NS = "default";

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
    OperatorConfig config =
        OperatorConfig.embedded(
            java.util.Set.of(), Duration.ofMillis(300), Duration.ofMillis(200), "local");
    operator = new FineTuneOperator(client, config, Clock.systemUTC(), false).start();
    Path badData = Files.createDirectories(root.resolve("bad-data"));
    Files.copy(Fixtures.data("bad.jsonl"), badData.resolve("bad.jsonl"));
    Path smallData = Files.createDirectories(root.resolve("small-data"));
    Files.write(
        smallData.resolve("text40.jsonl"),
        Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 40));
    kubelet =
        new LocalKubelet(
                client,
                root,
                Map.of("fixtures", Fixtures.root(), "baddata", badData, "smalldata", smallData),
                trainerCommand())
            .start();
  }

  private static List<String> trainerCommand() {
    return TrainerJar.command();
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

  @Test
  void aLoraJobGoesFromPendingToSucceededWithProgressCheckpointsAndResult() throws Exception {
    create(job("e2e-lora", "pvc://fixtures/data/text.jsonl", 20));
    FineTuneJobStatus done = awaitFinal("e2e-lora");

    assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Succeeded);
    List<Phase> phases = phases();
    assertThat(phases)
        .containsSubsequence(Phase.Validating, Phase.Pending, Phase.Running, Phase.Succeeded);
    // The prepare step's report, in status before the trainer started.
    long lines = Files.readAllLines(Fixtures.data("text.jsonl")).size();
    assertThat(done.getDataset().getTrainExamples()).isEqualTo(lines);
    assertThat(done.getDataset().getFiles().get(0).getSha256()).hasSize(64);
    assertThat(done.getModel().getArchitecture()).isEqualTo("gpt2");
    assertThat(done.getModel().getTrainableParameters())
        .isPositive()
        .isLessThan(done.getModel().getParameters());
    assertThat(eventReasons("e2e-lora")).contains("Preparing", "DataValidated");
    Set<Long> steps = new LinkedHashSet<>();
    seen.stream()
        .filter(s -> s.getPhase() == Phase.Running && s.getProgress() != null)
        .forEach(s -> steps.add(s.getProgress().getStep()));
    assertThat(steps).as("progress moved while running").hasSizeGreaterThanOrEqualTo(2);
    assertThat(done.getCheckpoints()).extracting(CheckpointStatus::getStep).contains(5L, 10L, 15L);
    // In local mode the trainer runs with its volumes bound to local folders, so the paths it
    // reports (and status shows) are those folders.
    Path claim = root.resolve("volumes/default/e2e-lora-workspace");
    assertThat(done.getLatestCheckpoint())
        .isEqualTo(claim.resolve("checkpoints/checkpoint-15").toString());
    assertThat(eventReasons("e2e-lora")).contains("CheckpointSaved");
    assertThat(done.getProgress().getPercent()).isEqualTo("100%");
    assertThat(done.getResult().getLocation()).isEqualTo(claim.resolve("output/final").toString());
    assertThat(done.getResult().getLayout()).isEqualTo("peft-lora");
    // What it ran on, from the trainer's device check (gpus: 0, so the CPU).
    assertThat(done.getTrainer().getDevices()).startsWith("CPU (");
    assertThat(done.getTrainer().getEngine()).startsWith("PyTorch ").contains("(cpu), DJL ");
    assertThat(done.getTrainer().getMemory()).endsWith(" GiB");
    // Metrics by name, end to end: the trainer's step and evaluation metrics reach the status as
    // a map, the fixed fields being two of its entries.
    assertThat(seen.stream().map(FineTuneJobStatus::getProgress).filter(p -> p != null))
        .as("status.progress.metrics while running")
        .anySatisfy(p -> assertThat(p.getMetrics()).containsKeys("loss", "grad_norm"));
    assertThat(done.getResult().getMetrics())
        .containsKeys("loss", "grad_norm", "eval_loss")
        .containsEntry("eval_loss", significant(done.getResult().getEvalLoss()))
        .containsEntry("loss", significant(done.getResult().getTrainLoss()));

    // The adapter where the status says scores what the status says.
    Path adapter = Path.of(done.getResult().getLocation());
    assertThat(adapter.resolve("adapter_model.safetensors")).exists();
    String out =
        run(
            "evaluate",
            "--model",
            Fixtures.model("tiny-gpt2").toString(),
            "--adapter",
            adapter.toString(),
            "--data",
            Fixtures.data("eval_text.jsonl").toString(),
            "--format",
            "text",
            "--max-length",
            "32",
            "--batch-size",
            "4");
    double loss =
        new ObjectMapper()
            .readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow())
            .get("loss")
            .asDouble();
    assertThat(loss).isCloseTo(done.getResult().getEvalLoss(), within(1e-6));
  }

  @Test
  void theReadmesFirstRunSucceedsWithTheBuiltInModelAndTheShippedData() throws Exception {
    // deploy/examples/local-first-run.yaml as the README runs it (--volume
    // examples=deploy/examples).
    kubelet.close();
    kubelet =
        new LocalKubelet(
                client,
                root,
                Map.of(
                    "examples", Path.of("..", "deploy", "examples").toAbsolutePath().normalize()),
                trainerCommand())
            .start();
    String yaml = Files.readString(Path.of("..", "deploy", "examples", "local-first-run.yaml"));
    create(yaml);
    FineTuneJobStatus done = awaitFinal("first-run");
    assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Succeeded);
    assertThat(done.getResult().getLayout()).isEqualTo("model");
    assertThat(Path.of(done.getResult().getLocation()).resolve("model.safetensors")).exists();
    assertThat(done.getResult().getTrainLoss()).as("it learned something").isLessThan(3.0);
  }

  @Test
  void aKilledTrainerIsRetriedAndResumesFromItsCheckpoint() {
    create(job("e2e-kill", "pvc://fixtures/data/text.jsonl", 60));
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              FineTuneJobStatus s = status("e2e-kill");
              return s != null && s.getCheckpoints() != null && !s.getCheckpoints().isEmpty();
            });
    Process first = kubelet.process(NS, "e2e-kill-trainer-1").orElseThrow();
    first.destroyForcibly(); // SIGKILL: no chance to save
    FineTuneJobStatus done = awaitFinal("e2e-kill");
    assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Succeeded);
    assertThat(done.getRestarts()).isEqualTo(1);
    Long resumed =
        seen.stream()
            .filter(s -> s.getProgress() != null && s.getProgress().getResumedFromStep() != null)
            .map(s -> s.getProgress().getResumedFromStep())
            .findFirst()
            .orElse(null);
    assertThat(resumed).as("status showed the step the retry resumed from").isNotNull();
    assertThat(resumed % 5).isZero();
    assertThat(client.pods().inNamespace(NS).list().getItems())
        .as("the prepare pod and two trainer pods")
        .hasSize(3);
  }

  @Test
  void badDataFailsWithADataErrorNamingTheLineAndIsNotRetried() {
    create(job("e2e-bad", "pvc://baddata/bad.jsonl", 10));
    FineTuneJobStatus done = awaitFinal("e2e-bad");
    assertThat(done.getPhase()).isEqualTo(Phase.Failed);
    assertThat(FineTuneJobStatusAssert.reason(done, "Failed")).isEqualTo("DataError");
    assertThat(done.getMessage())
        .contains("the prepare step failed, no GPU was requested")
        .contains("bad.jsonl")
        .contains("line");
    assertThat(done.getRestarts()).isZero();
    assertThat(client.pods().inNamespace(NS).list().getItems())
        .as("one prepare pod, not retried")
        .hasSize(1);
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName("e2e-bad-trainer").get())
        .as("no trainer Job: no GPU")
        .isNull();
  }

  /**
   * No silent CPU: this machine has no GPU, so a job that asks for one fails as soon as its trainer
   * pod starts (before the model loads), says what the engine saw, and is not retried.
   */
  @Test
  void aGpuJobWhereTheEngineSeesNoGpuFailsInSecondsWithGpuUnavailableAndIsNotRetried() {
    create(
        job("e2e-gpu", "pvc://fixtures/data/text.jsonl", 10)
            .replace("resources: {gpus: 0}", "resources: {gpus: 1}"));
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> kubelet.process(NS, "e2e-gpu-trainer-1").isPresent());
    long trainerStarted = System.nanoTime();
    FineTuneJobStatus done = awaitFinal("e2e-gpu");
    Duration took = Duration.ofNanos(System.nanoTime() - trainerStarted);

    assertThat(done.getPhase()).isEqualTo(Phase.Failed);
    assertThat(FineTuneJobStatusAssert.reason(done, "Failed")).isEqualTo("GpuUnavailable");
    assertThat(done.getMessage())
        .contains("exit code 69")
        .contains("the pod requested 1 GPU but the engine can use none")
        .contains("spec.resources.gpus: 0")
        .contains("flavor cpu (built without CUDA)")
        .contains("libcudart");
    assertThat(took)
        .as("failed in seconds, not after loading and training")
        .isLessThan(Duration.ofSeconds(60));
    assertThat(done.getRestarts()).isZero();
    assertThat(
            client
                .pods()
                .inNamespace(NS)
                .withLabel("batch.kubernetes.io/job-name", "e2e-gpu-trainer")
                .list()
                .getItems())
        .as("one trainer pod: GpuUnavailable is not retried")
        .hasSize(1);
    String log = readLog("e2e-gpu-trainer-1");
    assertThat(log).doesNotContain("resuming").doesNotContain("LoRA r=");
    System.out.println("GpuUnavailable after " + took.toMillis() + " ms: " + done.getMessage());
  }

  /**
   * An hf:// model from a Hub on loopback: the prepare pod downloads it once and pins its commit;
   * the trainer pod trains that snapshot from the workspace cache without a single Hub request.
   */
  @Test
  void anHfModelIsDownloadedOnceByPrepareAndTheTrainerMakesNoHubRequest() throws Exception {
    try (FakeHub hub = new FakeHub().model("org/tiny-gpt2", Fixtures.model("tiny-gpt2"))) {
      kubelet.withEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString()));
      create(
          job("e2e-hub", "pvc://fixtures/data/text.jsonl", 6)
              .replace("pvc://fixtures/models/tiny-gpt2", "hf://org/tiny-gpt2"));
      FineTuneJobStatus done = awaitFinal("e2e-hub");

      assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Succeeded);
      assertThat(done.getModel().getRevision()).isEqualTo(FakeHub.COMMIT);
      assertThat(hub.requests)
          .as("one listing of the repository: the prepare pod's")
          .filteredOn(r -> r.path().startsWith("/api/models/org/tiny-gpt2"))
          .hasSize(1);
      assertThat(hub.downloadsOf("model.safetensors"))
          .as("the weights fetched once (from the CDN the Hub redirects to)")
          .filteredOn(r -> r.path().startsWith("/cdn/"))
          .hasSize(1);
      String trainerLog = Files.readString(kubelet.logFile(NS, "e2e-hub-trainer-1").orElseThrow());
      assertThat(trainerLog).contains("staged in the cache, no download");
    }
  }

  @Test
  void aClaimTooSmallFailsWithInsufficientStorageBeforeAnyTrainerJob() {
    create(
        job("e2e-small", "pvc://fixtures/data/text.jsonl", 10)
            .replace("storage: {size: 1Gi}", "storage: {size: 1Mi}"));
    FineTuneJobStatus done = awaitFinal("e2e-small");
    assertThat(done.getPhase()).isEqualTo(Phase.Failed);
    assertThat(FineTuneJobStatusAssert.reason(done, "Failed")).isEqualTo("InsufficientStorage");
    assertThat(done.getMessage()).contains("not enough storage").contains("MiB");
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName("e2e-small-trainer").get())
        .isNull();
  }

  @Test
  void aFullFineTuneWithPackingValidationSplitEarlyStoppingAndFloat16ReportsItsBestStep() {
    // deploy/examples/full-finetune-pvc.yaml's precision, dataset and early-stopping settings,
    // scaled down.
    create(
        """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: e2e-early, namespace: default}
        spec:
          model: {source: pvc://fixtures/models/tiny-gpt2, dtype: float16}
          dataset:
            train: {source: pvc://smalldata/text40.jsonl}
            format: text
            maxLength: 128
            packing: true
            validationSplit: 0.25
          method: {type: full}
          hyperparameters:
            maxSteps: 12
            batchSize: 2
            learningRate: 0.01
            scheduler: constant
            evalEverySteps: 1
            earlyStopping: {patience: 2, minDelta: 0.001}
          checkpoints: {everySteps: 4, keepLast: 1, storage: {size: 1Gi}}
          resources: {gpus: 0}
        """);
    FineTuneJobStatus done = awaitFinal("e2e-early");

    assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Succeeded);
    assertThat(done.getResult().getTrainExamples()).isEqualTo(30);
    assertThat(done.getResult().getValidationExamples()).isEqualTo(10);
    assertThat(done.getResult().getBestStep())
        .isNotNull()
        .isBetween(1L, done.getResult().getSteps());
    assertThat(done.getResult().getStoppedEarly()).isNotNull();
    assertThat(done.getResult().getEvalLoss()).isEqualTo(done.getResult().getBestEvalLoss());
    assertThat(done.getResult().getSkippedSteps())
        .as("a float16 run reports its skipped steps (0 or more)")
        .isNotNull()
        .isLessThan(done.getResult().getSteps());
    assertThat(Path.of(done.getResult().getLocation()).resolve("model.safetensors")).exists();
  }

  /**
   * Issue 23's review of failures, end to end with the real trainer: a refused source, bad data in
   * a pvc:// file, a missing model, a claim too small. Every status message and Event of the failed
   * jobs names the user's source, never a regular expression, a pod mount path or the folder local
   * mode binds the claim to, and ends with what to change.
   */
  @Test
  void everyFailureIsReportedInTheUsersTerms() {
    Map<String, String> jobs =
        Map.of(
            "e2e-msg-source",
            job("e2e-msg-source", "pvc://fixtures/data/text.jsonl", 4)
                .replace("pvc://fixtures/models/tiny-gpt2", "s3://bucket/model"),
            "e2e-msg-data",
            job("e2e-msg-data", "pvc://baddata/bad.jsonl", 4),
            "e2e-msg-model",
            job("e2e-msg-model", "pvc://fixtures/data/text.jsonl", 4)
                .replace("pvc://fixtures/models/tiny-gpt2", "pvc://fixtures/models/none"),
            "e2e-msg-small",
            job("e2e-msg-small", "pvc://fixtures/data/text.jsonl", 4)
                .replace("storage: {size: 1Gi}", "storage: {size: 1Mi}"));
    jobs.values()
        .forEach(
            yaml ->
                client
                    .resources(FineTuneJob.class)
                    .inNamespace(NS)
                    .resource(new KubernetesSerialization().unmarshal(yaml, FineTuneJob.class))
                    .create());
    Map<String, String> names =
        Map.of(
            "e2e-msg-source", "\"s3://bucket/model\"; write it as hf://org/name[@revision],",
            "e2e-msg-data", "pvc://baddata/bad.jsonl line 3: invalid JSON",
            "e2e-msg-model", "pvc://fixtures/models/none has no config.json",
            "e2e-msg-small", "pvc://e2e-msg-small-workspace");
    Map<String, String> advice =
        Map.of(
            "e2e-msg-source", "oci://registry:5000/models/bot@sha256:…)",
            "e2e-msg-data", "fix these lines, or the format if the file is not text",
            "e2e-msg-model", "tokenizer files",
            "e2e-msg-small", "give the claim more space or lower checkpoints.keepLast");
    for (String name : jobs.keySet()) {
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> status(name) != null && status(name).getPhase() == Phase.Failed);
      FineTuneJobStatus failed = status(name);
      List<String> messages = new ArrayList<>();
      messages.add(failed.getMessage());
      failed.getConditions().forEach(c -> messages.add(c.getMessage()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> eventMessages(name).contains(failed.getMessage()));
      messages.addAll(eventMessages(name));
      assertThat(failed.getMessage()).as(name).contains(names.get(name)).endsWith(advice.get(name));
      assertThat(messages)
          .as(name)
          .allSatisfy(m -> assertThat(UserTerms.violations(m)).as("%s: %s", name, m).isEmpty())
          .allSatisfy(m -> assertThat(String.valueOf(m)).doesNotContain(root.toString()))
          .allSatisfy(
              m -> assertThat(String.valueOf(m)).doesNotContain(Fixtures.root().toString()));
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private static String job(String name, String train, int steps) {
    return """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: %s, namespace: default}
        spec:
          model: {source: pvc://fixtures/models/tiny-gpt2}
          dataset:
            train: {source: %s}
            validation: {source: pvc://fixtures/data/eval_text.jsonl}
            format: text
            maxLength: 32
          method: {type: lora, lora: {rank: 4, alpha: 8}}
          hyperparameters: {maxSteps: %d, batchSize: 4, learningRate: 0.01, seed: 42, evalEverySteps: 10}
          checkpoints: {everySteps: 5, keepLast: 3, storage: {size: 1Gi}}
          resources: {gpus: 0}
          runPolicy: {backoffLimit: 2}
        """
        .formatted(name, train, steps);
  }

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
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                status(name) != null
                    && status(name).getPhase() != null
                    && status(name).getPhase().isFinal());
    FineTuneJobStatus done = status(name);
    // The final status may get its result a moment later than the phase: wait for both.
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(status(name)));
    return status(name);
  }

  private List<Phase> phases() {
    List<Phase> phases = new ArrayList<>();
    for (FineTuneJobStatus s : seen) {
      if (phases.isEmpty() || phases.get(phases.size() - 1) != s.getPhase()) {
        phases.add(s.getPhase());
      }
    }
    return phases;
  }

  private List<String> eventMessages(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getMessage)
        .toList();
  }

  private List<String> eventReasons(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  private String readLog(String pod) {
    try {
      return Files.readString(kubelet.logFile(NS, pod).orElseThrow());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Runs the trainer jar with {@code args}; its standard output (stderr apart). */
  private static String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(trainerCommand());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }

  /** A value as status shows a metric: four significant digits. */
  private static double significant(double value) {
    return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).doubleValue();
  }
}
