/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.DeploymentTools;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.local.kubelet.LocalKubelet;
import dev.finetune.local.testing.FineTuneJobStatusAssert;
import dev.finetune.local.testing.TrainerJar;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base against tuned, end to end in local mode with the real trainer on the built-in model and the
 * shipped arithmetic data: the trainer scores the base model before step 1 and the tuned one after
 * the last, the operator decides condition Promoted from spec.evaluation.gate, and a run whose
 * model fails the gate still ends Succeeded.
 */
class LocalModeEvaluationIT {
  private static final String NS = "default";
  private static final Path EXAMPLES = Path.of("..", "deploy", "examples").toAbsolutePath();

  /** local-first-run.yaml, short, with 10% of the lines held out and evaluated at the end. */
  private static String job(String name, int steps, String evaluation) throws Exception {
    return Files.readString(EXAMPLES.resolve("local-first-run.yaml"))
            .replace("name: first-run", "name: " + name)
            .replace("maxLength: 48", "maxLength: 48\n    validationSplit: 0.1")
            .replace("maxSteps: 60", "maxSteps: " + steps + ", evalEverySteps: " + steps)
            .replace("everySteps: 20", "everySteps: " + steps)
        + "  evaluation: "
        + evaluation
        + "\n";
  }

  @TempDir Path root;
  private LocalCluster cluster;
  private KubernetesClient client;
  private FineTuneOperator operator;
  private LocalKubelet kubelet;

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
    Path badTasks = Files.createDirectories(root.resolve("bad-tasks"));
    Files.writeString(badTasks.resolve("bad-task.jsonl"), BAD_TASK);
    kubelet =
        new LocalKubelet(
                client,
                root.resolve("work"),
                Map.of("examples", EXAMPLES.normalize(), "badtasks", badTasks),
                TrainerJar.command())
            .start();
  }

  @AfterEach
  void stop() {
    kubelet.close();
    operator.close();
    cluster.close();
  }

  /**
   * A gate no model can pass (the validation loss 100 lower): the job ends Succeeded, with
   * Promoted=False, reason EvaluationGateFailed and the numbers in the message.
   */
  @Test
  void aModelThatFailsTheGateEndsSucceededButNotPromotedWithTheNumbers() throws Exception {
    create(
        job("eval-fails", 4, "{gate: {rules: [{task: validation, metric: loss, minDelta: 100}]}}"));
    FineTuneJobStatus done = awaitFinal("eval-fails");

    FineTuneJobStatusAssert.assertThatStatus(done)
        .hasPhase(Phase.Succeeded)
        .hasCondition("Succeeded", "True", "TrainingSucceeded")
        .hasCondition("Promoted", "False", "EvaluationGateFailed");
    EvaluationResult loss = validationLoss(done);
    assertThat(promoted(done).getMessage())
        .startsWith("the tuned model failed the evaluation gate: validation loss: tuned ")
        .contains(String.format(java.util.Locale.ROOT, "%.4g", loss.getTuned()))
        .contains(String.format(java.util.Locale.ROOT, "vs base %.4g", loss.getBase()))
        .endsWith("needs an improvement of at least 100.0");
    assertThat(done.getResult().getEvaluationHeadline()).endsWith(", not promoted");
    assertThat(events("eval-fails"))
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("Evaluated");
              assertThat(e.getType()).isEqualTo("Normal");
              assertThat(e.getMessage())
                  .startsWith("validation loss: tuned ")
                  .endsWith("Not promoted (EvaluationGateFailed)");
            })
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("EvaluationGateFailed");
              assertThat(e.getType()).isEqualTo("Warning");
            });
  }

  /**
   * notWorseThanBase on a run long enough to learn something, with a multipleChoice task in
   * arithmetic.jsonl's words: Promoted=True, and base, tuned and delta of every metric in
   * status.result.evaluation, in evaluation.json beside final/ and in kubectl describe.
   */
  @Test
  void aModelThatImprovesIsPromotedAndShowsBaseTunedAndDelta() throws Exception {
    // 60 steps: after 20 the validation loss is already far lower, but acc_norm on the questions
    // is below the base's (measured: 0.15 against 0.20), which notWorseThanBase refuses.
    create(
        job(
            "eval-passes",
            60,
            "{tasks: [{name: sums, source: pvc://examples/data/arithmetic-choice.jsonl,"
                + " type: multipleChoice}], gate: {notWorseThanBase: true}}"));
    FineTuneJobStatus done = awaitFinal("eval-passes");

    FineTuneJobStatusAssert.assertThatStatus(done)
        .hasPhase(Phase.Succeeded)
        .hasCondition("Promoted", "True", "EvaluationGatePassed");
    assertThat(done.getResult().getEvaluation())
        .extracting(EvaluationResult::getTask, EvaluationResult::getMetric)
        .containsExactly(
            tuple("sums", "acc"), tuple("sums", "acc_norm"), tuple("validation", "loss"));
    // 60 questions with 4 choices: accuracies are multiples of 1/60; random weights guess.
    for (EvaluationResult r : done.getResult().getEvaluation().subList(0, 2)) {
      assertThat(r.getBase() * 60).as(r.getMetric()).isCloseTo(Math.rint(r.getBase() * 60), OFF);
      assertThat(r.getTuned()).as(r.getMetric()).isGreaterThanOrEqualTo(r.getBase());
      assertThat(r.getDelta()).isCloseTo(r.getTuned() - r.getBase(), OFF);
    }
    EvaluationResult loss = validationLoss(done);
    // The built-in model starts from random weights (a byte-level loss near ln 256 = 5.5) and
    // learns the arithmetic sentences.
    assertThat(loss.getBase()).isGreaterThan(loss.getTuned());
    assertThat(loss.getDelta()).isNegative().isCloseTo(loss.getTuned() - loss.getBase(), OFF);
    assertThat(loss.getTuned()).isEqualTo(done.getResult().getEvalLoss());
    assertThat(done.getResult().getEvaluationHeadline()).matches("sums acc \\+0\\.\\d+, promoted");

    // The trainer's report beside final/, with the same numbers.
    Path report = Path.of(done.getResult().getLocation()).resolveSibling("evaluation.json");
    JsonNode written = new ObjectMapper().readTree(report.toFile()).get("results");
    assertThat(written).hasSize(3);
    for (int i = 0; i < 3; i++) {
      EvaluationResult r = done.getResult().getEvaluation().get(i);
      assertThat(written.get(i).get("task").asText()).isEqualTo(r.getTask());
      assertThat(written.get(i).get("metric").asText()).isEqualTo(r.getMetric());
      assertThat(written.get(i).get("base").asDouble()).isEqualTo(r.getBase());
      assertThat(written.get(i).get("tuned").asDouble()).isEqualTo(r.getTuned());
    }
    assertThat(events("eval-passes"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .startsWith("sums acc: tuned ")
                    .contains("; validation loss: tuned ")
                    .endsWith("Promoted (EvaluationGatePassed)"));

    Path kubectl = DeploymentTools.root().resolve(".tools/bin/kubectl");
    if (!Files.isExecutable(kubectl)) {
      System.out.println("kubectl is not installed (.ci/install-tools.sh): describe not checked");
      return;
    }
    Path kubeconfig = root.resolve("kubeconfig");
    cluster.writeKubeconfig(kubeconfig);
    DeploymentTools.Result describe =
        DeploymentTools.exec(
            List.of(
                kubectl.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "describe",
                "ftj",
                "eval-passes"),
            null);
    System.out.println(describe.output());
    assertThat(describe.exitCode()).as(describe.output()).isZero();
    assertThat(describe.output())
        .containsPattern(
            "Evaluation:\\s+Base:\\s+0\\.\\d+\\s+Delta:\\s+0\\.\\d+\\s+Metric:\\s+acc\\s+Task:\\s+sums")
        .containsPattern("Base:\\s+\\d\\.\\d+\\s+Delta:\\s+-\\d\\.\\d+")
        .containsPattern("Metric:\\s+loss\\s+Task:\\s+validation\\s+Tuned:\\s+\\d\\.\\d+")
        .containsPattern("Evaluation Headline:\\s+sums acc \\+0\\.\\d+, promoted")
        .contains("EvaluationGatePassed")
        .containsPattern("Normal\\s+Evaluated\\s+.*sums acc: tuned .*validation loss: tuned");
    DeploymentTools.Result wide =
        DeploymentTools.exec(
            List.of(
                kubectl.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "get",
                "ftj",
                "-o",
                "wide"),
            null);
    assertThat(wide.output().lines().toList().get(0)).endsWith("EVAL");
    assertThat(wide.output()).containsPattern("eval-passes .*sums acc \\+0\\.\\d+, promoted");
  }

  /**
   * Lines 2, 3 and 5 are bad: no "choices", an answer past the last choice, no "answer"; the others
   * are good questions.
   */
  static final String BAD_TASK =
      """
      {"context": "one plus one is", "choices": [" two.", " three.", " four.", " five."], "answer": 0}
      {"context": "two plus two is", "answer": 1}
      {"context": "two plus three is", "choices": [" five.", " six."], "answer": 2}
      {"context": "three plus three is", "choices": [" five.", " six."], "answer": 1}
      {"context": "two times four is", "choices": [" six.", " eight."]}
      """;

  /** As bad training data: DataError naming the file and the lines, before any trainer Job. */
  @Test
  void aMalformedTaskLineFailsThePrepareStepNamingTheFileAndLine() throws Exception {
    create(
        job(
            "eval-bad-task",
            4,
            "{tasks: [{name: sums, source: pvc://badtasks/bad-task.jsonl, type: multipleChoice}]}"));
    FineTuneJobStatus done = awaitFinal("eval-bad-task");

    assertThat(done.getPhase()).as(done.getMessage()).isEqualTo(Phase.Failed);
    assertThat(FineTuneJobStatusAssert.reason(done, "Failed")).isEqualTo("DataError");
    assertThat(done.getMessage())
        .contains("the prepare step failed, no GPU was requested")
        .contains("pvc://badtasks/bad-task.jsonl line 2")
        .contains("line 3")
        .contains("line 5")
        .doesNotContain("line 1:")
        .doesNotContain("line 4:")
        .doesNotContain(root.toString());
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName("eval-bad-task-trainer").get())
        .as("no trainer Job: no GPU")
        .isNull();
  }

  private static final org.assertj.core.data.Offset<Double> OFF =
      org.assertj.core.data.Offset.offset(1e-9);

  // --- helpers -------------------------------------------------------------------------------

  private static EvaluationResult validationLoss(FineTuneJobStatus done) {
    assertThat(done.getResult().getEvaluation())
        .as("status.result.evaluation")
        .extracting(EvaluationResult::getTask)
        .contains("validation");
    EvaluationResult loss =
        done.getResult().getEvaluation().stream()
            .filter(r -> r.getTask().equals("validation"))
            .findFirst()
            .orElseThrow();
    assertThat(loss.getMetric()).isEqualTo("loss");
    assertThat(loss.getBase()).isPositive();
    assertThat(loss.getTuned()).isPositive();
    return loss;
  }

  private static Condition promoted(FineTuneJobStatus status) {
    return FineTuneJobStatusAssert.condition(status, "Promoted").orElseThrow();
  }

  private void create(String yaml) {
    FineTuneJob job = new KubernetesSerialization().unmarshal(yaml, FineTuneJob.class);
    client.resources(FineTuneJob.class).inNamespace(NS).resource(job).create();
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
    FineTuneJobStatus done = status(name);
    if (done.getPhase() == Phase.Succeeded) {
      try {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> events(name).stream().anyMatch(e -> "Evaluated".equals(e.getReason())));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "no Evaluated Event; the status:\n"
                + io.fabric8.kubernetes.client.utils.Serialization.asYaml(status(name))
                + "\nthe trainer's log:\n"
                + trainerLog(name),
            e);
      }
    }
    return done;
  }

  /** The trainer pod's log, for a failure's message. */
  private String trainerLog(String name) {
    try {
      Path log = kubelet.logFile(NS, name + "-trainer-1").orElse(null);
      return log == null ? "(no trainer log)" : Files.readString(log);
    } catch (java.io.IOException e) {
      return "(cannot read the trainer log: " + e.getMessage() + ")";
    }
  }

  private List<Event> events(String name) {
    return new ArrayList<>(
        client.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> name.equals(e.getInvolvedObject().getName()))
            .toList());
  }
}
