/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.testing;

import static org.awaitility.Awaitility.await;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.local.kubelet.JobEmulator;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator in-process against fabric8's mock API server in CRUD mode, for one test class: the
 * server with the FineTuneJob CRD (from {@code ../crds}) starts once; each test gets a fresh
 * namespace, an operator watching it (configured by the function given, unless {@link #apiOnly()})
 * and a {@link JobEmulator} playing the Job controller and kubelet.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OperatorOnMockApi kube = OperatorOnMockApi.withOperator(TestConfigs::watching);
 * }</pre>
 */
public final class OperatorOnMockApi
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Function<String, OperatorConfig> config;
  private KubernetesMockServer server;
  private KubernetesClient client;
  private String namespace;
  private FineTuneOperator operator;
  private JobEmulator emulator;

  private OperatorOnMockApi(Function<String, OperatorConfig> config) {
    this.config = config;
  }

  /** An operator per test, configured for the test's namespace by {@code config}. */
  public static OperatorOnMockApi withOperator(Function<String, OperatorConfig> config) {
    return new OperatorOnMockApi(config);
  }

  /** The API and the CRD only: the test starts what it needs. */
  public static OperatorOnMockApi apiOnly() {
    return new OperatorOnMockApi(null);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    // Stubbed answers first (server().expect()), then the CRUD store.
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    client = server.createClient();
    try (var in = new FileInputStream("../crds/finetunejobs.finetune.dev-v1.yml")) {
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    emulator = new JobEmulator(client, "gpu-node-1", null);
    if (config != null) {
      operator = startOperator(config.apply(namespace));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy();
    }
  }

  /** Another operator on this API (closed by the test). */
  public FineTuneOperator startOperator(OperatorConfig operatorConfig) {
    try {
      return new FineTuneOperator(client, operatorConfig, Clock.systemUTC(), false).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The mock server, for tests that stub requests it cannot answer in CRUD mode. */
  public KubernetesMockServer server() {
    return server;
  }

  /** Stops the test's operator and starts a new one with the same configuration. */
  public FineTuneOperator restartOperator() {
    operator.close();
    operator = startOperator(config.apply(namespace));
    return operator;
  }

  public KubernetesClient client() {
    return client;
  }

  public String namespace() {
    return namespace;
  }

  public FineTuneOperator operator() {
    return operator;
  }

  /** The Job controller and kubelet of this API. */
  public JobEmulator jobs() {
    return emulator;
  }

  /** Creates {@code job} in the test's namespace, as a user would (no uid, generation, labels). */
  public FineTuneJob create(FineTuneJob job) {
    job.getMetadata().setNamespace(namespace);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    job.getMetadata().setLabels(new HashMap<>());
    return client.resources(FineTuneJob.class).inNamespace(namespace).resource(job).create();
  }

  public Resource<FineTuneJob> ftj(String name) {
    return client.resources(FineTuneJob.class).inNamespace(namespace).withName(name);
  }

  /** The Job once the operator created it. */
  public Job awaitJob(String name) {
    await().atMost(WAIT).until(() -> emulator.job(namespace, name) != null);
    return emulator.job(namespace, name);
  }

  /** A prepare step's result as its pod reports it: 30 + 10 examples, 7 steps. */
  public static final String PREPARED =
      "{\"status\":\"Succeeded\",\"model\":{\"source\":\"/mnt/pvc/models/m\","
          + "\"architecture\":\"llama\",\"parameters\":1000,\"trainableParameters\":100,"
          + "\"estimatedTrainingMemoryBytes\":2147483648},\"dataset\":{\"trainExamples\":30,"
          + "\"validationExamples\":10,\"tokens\":3000,\"truncated\":2,\"skippedLines\":0,"
          + "\"files\":[{\"source\":\"/workspace/train.jsonl\",\"sha256\":\"ab12\","
          + "\"bytes\":100}]},\"totalSteps\":7}";

  /**
   * Plays the prepare step of FineTuneJob {@code name}: its Job's pod runs and ends with {@code
   * exitCode} and {@code message}, and the Job completes (0) or fails.
   */
  public Job finishPrepare(String name, int exitCode, String message) {
    Job job = awaitJob(name + "-prepare");
    Pod pod = emulator.createPod(job);
    emulator.running(pod);
    emulator.jobStatus(job, 1, 0, null, null);
    emulator.podExited(job, pod, exitCode, message);
    return emulator.job(namespace, job.getMetadata().getName());
  }

  /** The trainer Job of FineTuneJob {@code name}, once its prepare step passed. */
  public Job awaitTrainerAfterPrepare(String name) {
    finishPrepare(name, 0, PREPARED);
    return awaitJob(name + "-trainer");
  }

  /**
   * The status of FineTuneJob {@code name} once {@code condition} holds; on timeout the failure
   * shows the last status as YAML.
   */
  public FineTuneJobStatus awaitStatus(String name, Predicate<FineTuneJobStatus> condition) {
    try {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                FineTuneJob job = ftj(name).get();
                return job != null && job.getStatus() != null && condition.test(job.getStatus());
              });
    } catch (ConditionTimeoutException e) {
      FineTuneJob job = ftj(name).get();
      throw new AssertionError(
          "FineTuneJob "
              + name
              + " never reached the expected status within "
              + WAIT
              + "; its status:\n"
              + FineTuneJobStatusAssert.yaml(job == null ? null : job.getStatus()),
          e);
    }
    return ftj(name).get().getStatus();
  }

  /** Events about {@code involvedName} in the test's namespace. */
  public List<Event> events(String involvedName) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
