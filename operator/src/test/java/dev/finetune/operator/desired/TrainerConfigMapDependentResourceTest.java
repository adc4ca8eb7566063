/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.api.v1alpha1.SchedulerType;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerConfigMapDependentResourceTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void configHasEveryDefaultResolvedAndLocalPaths() throws Exception {
    ConfigMap cm =
        TrainerConfigMapDependentResource.desired(TestJobs.minimal(), OperatorConfig.defaults());
    assertThat(cm.getMetadata().getName()).isEqualTo("demo-trainer-config");
    assertThat(cm.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getController()).isTrue());
    TrainerConfig config =
        json.readValue(cm.getData().get("trainer-config.json"), TrainerConfig.class);

    assertThat(config.schemaVersion()).isEqualTo(TrainerConfig.SCHEMA_VERSION);
    assertThat(config.jobName()).isEqualTo("demo");
    assertThat(config.model().source()).isEqualTo("hf://openai-community/gpt2");
    assertThat(config.model().tokenFile()).isNull();
    assertThat(config.model().dtype()).isEqualTo(ModelDtype.FLOAT32);
    assertThat(config.data().train()).isEqualTo("/mnt/pvc/datasets/train.jsonl");
    assertThat(config.data().format()).isEqualTo(DataFormat.TEXT);
    assertThat(config.data().maxLength()).isEqualTo(1024);
    assertThat(config.method()).isEqualTo(MethodType.FULL);
    assertThat(config.lora()).isNull();
    var h = config.hyperparameters();
    assertThat(h.getEpochs()).isEqualTo(1);
    assertThat(h.getBatchSize().getIntVal()).isEqualTo(8);
    assertThat(h.getGradientAccumulationSteps()).isEqualTo(1);
    assertThat(h.getLearningRate()).isEqualTo(2e-5);
    assertThat(h.getWarmupSteps()).isZero();
    assertThat(h.getScheduler()).isEqualTo(SchedulerType.LINEAR);
    assertThat(h.getMaxGradNorm()).isEqualTo(1.0);
    assertThat(h.getSeed()).isEqualTo(42L);
    assertThat(config.checkpoints().dir()).isEqualTo("/workspace/checkpoints");
    assertThat(config.checkpoints().everySteps()).isEqualTo(500);
    assertThat(config.checkpoints().keepLast()).isEqualTo(3);
    assertThat(config.outputDir()).isEqualTo("/workspace/output");
    assertThat(config.progressPort()).isEqualTo(8000);
    assertThat(config.terminationMessagePath()).isEqualTo("/dev/termination-log");
  }

  @Test
  void loraExampleMapsLoraTokenAndOutput() throws Exception {
    FineTuneJob job = TestJobs.fromFile(Path.of("../deploy/examples/lora-hub-model.yaml"));
    TrainerConfig config =
        json.readValue(
            TrainerConfigMapDependentResource.desired(job, OperatorConfig.defaults())
                .getData()
                .get("trainer-config.json"),
            TrainerConfig.class);
    assertThat(config.method()).isEqualTo(MethodType.LORA);
    assertThat(config.lora().getRank()).isEqualTo(16);
    assertThat(config.lora().getAlpha()).isEqualTo(32.0);
    assertThat(config.lora().getTargetModules())
        .containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
    assertThat(config.model().tokenFile()).isEqualTo("/var/run/secrets/finetune/hub-token/token");
    assertThat(config.data().validation()).isEqualTo("/mnt/pvc/datasets/support/valid.jsonl");
    assertThat(config.outputDir()).isEqualTo("/mnt/pvc/models/support-bot-lora");
    assertThat(config.hyperparameters().getWarmupRatio()).isEqualTo(0.03);
    assertThat(config.hyperparameters().getWarmupSteps()).as("ratio given, no steps").isNull();
  }

  /** publish.what merged asks the trainer for merged/; an adapter or a full model does not. */
  @Test
  void aMergedPublishMakesTheTrainerWriteTheMergedModel() {
    String merged = "  output: {publish: {to: oci://r.example/m, what: merged}}";
    assertThat(
            TrainerConfigFactory.create(
                    TestJobs.fromYaml(TestJobs.MINIMAL + "  method: {type: lora}\n" + merged),
                    OperatorConfig.defaults())
                .mergeAdapter())
        .isTrue();
    assertThat(
            TrainerConfigFactory.create(
                    TestJobs.fromYaml(
                        TestJobs.MINIMAL
                            + "  method: {type: lora}\n"
                            + "  output: {publish: {to: oci://r.example/m}}"),
                    OperatorConfig.defaults())
                .mergeAdapter())
        .isNull();
    assertThat(
            TrainerConfigFactory.create(TestJobs.minimal(), OperatorConfig.defaults())
                .mergeAdapter())
        .isNull();
  }

  @Test
  void loraDefaultsAndLoraLearningRate() throws Exception {
    FineTuneJob job = TestJobs.minimalWith("method: {type: lora}");
    TrainerConfig config = TrainerConfigFactory.create(job, OperatorConfig.defaults());
    assertThat(config.lora().getRank()).isEqualTo(8);
    assertThat(config.lora().getAlpha()).isEqualTo(16.0);
    assertThat(config.lora().getDropout()).isEqualTo(0.0);
    assertThat(config.lora().getTargetModules())
        .as("chosen by the trainer per architecture")
        .isNull();
    assertThat(config.hyperparameters().getLearningRate()).isEqualTo(2e-4);
  }

  @Test
  void workspaceClaimPathsMapToTheWorkspaceMount() {
    FineTuneJob job =
        TestJobs.minimalWith(
            "checkpoints: {storage: {existingClaim: datasets}}\noutput: {source: pvc://datasets/out}");
    TrainerConfig config = TrainerConfigFactory.create(job, OperatorConfig.defaults());
    assertThat(config.data().train()).isEqualTo("/workspace/train.jsonl");
    assertThat(config.outputDir()).isEqualTo("/workspace/out");
    assertThat(TrainerVolumes.plan(job).claimMounts()).isEmpty();
  }

  @Test
  void evaluationTasksAreResolvedLikeTheDataAndTheirClaimsMountedInBothPods() throws Exception {
    FineTuneJob job =
        TestJobs.minimalWith(
            """
            checkpoints: {storage: {existingClaim: work}}
            evaluation:
              tasks:
              - {name: licenses, source: pvc://evals/licenses.jsonl, type: multipleChoice}
              - {name: wiki, source: hf://datasets/org/wiki@v1/test.jsonl, type: loglikelihood}
              - {name: answers, source: https://example.com/a.jsonl, type: generate, maxNewTokens: 8}
              - {name: own, source: pvc://work/evals/own.jsonl, type: generate}
              gate: {notWorseThanBase: true}
            """);
    String text =
        TrainerConfigMapDependentResource.desired(job, OperatorConfig.defaults())
            .getData()
            .get("trainer-config.json");
    TrainerConfig config = json.readValue(text, TrainerConfig.class);
    assertThat(config.evaluation())
        .containsExactly(
            new TrainerConfig.EvaluationTaskConfig(
                "licenses",
                "/mnt/pvc/evals/licenses.jsonl",
                EvaluationTaskType.MULTIPLE_CHOICE,
                null),
            new TrainerConfig.EvaluationTaskConfig(
                "wiki",
                "hf://datasets/org/wiki@v1/test.jsonl",
                EvaluationTaskType.LOGLIKELIHOOD,
                null),
            new TrainerConfig.EvaluationTaskConfig(
                "answers", "https://example.com/a.jsonl", EvaluationTaskType.GENERATE, 8),
            new TrainerConfig.EvaluationTaskConfig(
                "own", "/workspace/evals/own.jsonl", EvaluationTaskType.GENERATE, null));
    // The wire form the trainer reads: the types by their lm-eval names, the gate not at all.
    assertThat(json.readTree(text).get("evaluation").get(0).toString())
        .isEqualTo(
            "{\"name\":\"licenses\",\"source\":\"/mnt/pvc/evals/licenses.jsonl\","
                + "\"type\":\"multipleChoice\"}");
    // The task's claim is mounted read-only like the data's, in the prepare pod and the trainer's.
    assertThat(TrainerVolumes.plan(job).claimMounts())
        .extracting(TrainerVolumes.ClaimMount::claim, TrainerVolumes.ClaimMount::readOnly)
        .containsExactly(tuple("datasets", true), tuple("evals", true));
    for (var pod :
        List.of(
            TrainerJobDependentResource.desired(job, OperatorConfig.defaults()),
            PrepareJobDependentResource.desired(job, OperatorConfig.defaults()))) {
      var spec = pod.getSpec().getTemplate().getSpec();
      assertThat(spec.getVolumes())
          .filteredOn(v -> v.getPersistentVolumeClaim() != null)
          .anySatisfy(
              v -> {
                assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("evals");
                assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
              });
      assertThat(spec.getContainers().get(0).getVolumeMounts())
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/mnt/pvc/evals"));
    }
  }

  @Test
  void withoutEvaluationTheConfigHasNoneAndWithoutTasksAnEmptyList() throws Exception {
    String text =
        TrainerConfigMapDependentResource.desired(TestJobs.minimal(), OperatorConfig.defaults())
            .getData()
            .get("trainer-config.json");
    assertThat(json.readTree(text).has("evaluation")).as(text).isFalse();
    TrainerConfig lossOnly =
        TrainerConfigFactory.create(
            TestJobs.minimalWith("evaluation: {gate: {notWorseThanBase: true}}"),
            OperatorConfig.defaults());
    assertThat(lossOnly.evaluation()).as("the validation loss alone").isEmpty();
  }

  @Test
  void anSftConfigNamesNoObjective() throws Exception {
    String text =
        TrainerConfigMapDependentResource.desired(TestJobs.minimal(), OperatorConfig.defaults())
            .getData()
            .get("trainer-config.json");
    assertThat(json.readTree(text).has("objective")).as(text).isFalse();
    assertThat(json.readTree(text).has("dpo")).as(text).isFalse();
    TrainerConfig explicit =
        TrainerConfigFactory.create(
            TestJobs.minimalWith("method: {objective: sft}"), OperatorConfig.defaults());
    assertThat(explicit.objective()).as("objective: sft written out").isNull();
    assertThat(explicit.dpo()).isNull();
  }

  @Test
  void aDpoConfigHasTheObjectiveAndEveryDpoDefaultResolved() throws Exception {
    FineTuneJob job =
        TestJobs.fromYaml(
            TestJobs.MINIMAL.replace("format: text", "format: preference")
                + "  method: {objective: dpo}\n");
    String text =
        TrainerConfigMapDependentResource.desired(job, OperatorConfig.defaults())
            .getData()
            .get("trainer-config.json");
    TrainerConfig config = json.readValue(text, TrainerConfig.class);
    assertThat(config.objective()).isEqualTo(ObjectiveType.DPO);
    assertThat(config.data().format()).isEqualTo(DataFormat.PREFERENCE);
    assertThat(config.method()).isEqualTo(MethodType.FULL);
    assertThat(config.dpo().getBeta()).isEqualTo(0.1);
    assertThat(config.dpo().getLoss()).isEqualTo(DpoLoss.SIGMOID);
    assertThat(config.dpo().getLabelSmoothing()).isEqualTo(0.0);
    // The wire form the trainer reads.
    assertThat(json.readTree(text).get("objective").asText()).isEqualTo("dpo");
    assertThat(json.readTree(text).get("dpo").toString())
        .isEqualTo("{\"beta\":0.1,\"loss\":\"sigmoid\",\"labelSmoothing\":0.0}");
  }

  @Test
  void aDpoConfigKeepsTheGivenSettings() {
    FineTuneJob job =
        TestJobs.fromYaml(
            TestJobs.MINIMAL.replace("format: text", "format: preference")
                + "  method: {type: lora, objective: dpo, dpo: {beta: 0.25, loss: robust,"
                + " labelSmoothing: 0.1}}\n");
    TrainerConfig config = TrainerConfigFactory.create(job, OperatorConfig.defaults());
    assertThat(config.objective()).isEqualTo(ObjectiveType.DPO);
    assertThat(config.method()).isEqualTo(MethodType.LORA);
    assertThat(config.lora().getRank()).isEqualTo(8);
    assertThat(config.dpo().getBeta()).isEqualTo(0.25);
    assertThat(config.dpo().getLoss()).isEqualTo(DpoLoss.ROBUST);
    assertThat(config.dpo().getLabelSmoothing()).isEqualTo(0.1);
    assertThat(job.getSpec().getMethod().getDpo().getBeta())
        .as("the spec is not changed")
        .isEqualTo(0.25);
  }
}
