/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.LoraSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.api.v1alpha1.SchedulerType;
import dev.finetune.trainer.TrainerMain;
import dev.finetune.trainer.train.EarlyStopping;
import dev.finetune.trainer.train.LrSchedule;
import dev.finetune.trainer.train.TerminationMessage;
import dev.finetune.trainer.train.TrainRequest;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --config}: the operator's trainer config, mapped field by field to a TrainRequest.
 */
class TrainerConfigRequestFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void configMapsToTheRequest() {
    Hyperparameters h = new Hyperparameters();
    h.setMaxSteps(3L);
    h.setBatchSize(new IntOrString(4));
    h.setLearningRate(1e-3);
    h.setScheduler(SchedulerType.CONSTANT);
    h.setMaxGradNorm(1.0);
    h.setSeed(7L);
    TrainerConfig config = config(MethodType.FULL, h, "/data/train.jsonl", "/data/valid.jsonl");
    TrainRequest r = TrainerConfigRequest.builder(config).build();
    assertThat(r.inputs().model()).isEqualTo("/models/m");
    assertThat(r.inputs().sources().tokenFile()).isEqualTo(Path.of("/var/run/secrets/hub/token"));
    assertThat(r.inputs().data()).isEqualTo("/data/train.jsonl");
    assertThat(r.inputs().format()).isEqualTo(DataFormat.TEXT);
    assertThat(r.inputs().maxLength()).isEqualTo(64);
    assertThat(r.inputs().evalData()).isEqualTo("/data/valid.jsonl");
    assertThat(r.training().maxSteps()).isEqualTo(3);
    assertThat(r.training().batchSize()).isEqualTo(4);
    assertThat(r.training().learningRate()).isEqualTo(0.001);
    assertThat(r.training().scheduler()).isEqualTo(LrSchedule.Kind.CONSTANT);
    assertThat(r.training().seed()).isEqualTo(7);
    assertThat(r.checkpointing().output()).isEqualTo(Path.of("/out"));
    assertThat(r.reporting().terminationMessagePath()).isEqualTo(Path.of("/dev/termination-log"));
    assertThat(r.reporting().progressPort()).isEqualTo(8000);
    assertThat(r.training().gpus()).isEqualTo(2);
  }

  @Test
  void loraSettingsMapToTheLoraFlags() {
    TrainerConfig base = config(MethodType.LORA, new Hyperparameters(), "/d.jsonl", null);
    LoraSpec lora = new LoraSpec();
    lora.setRank(16);
    lora.setAlpha(32.0);
    lora.setDropout(0.05);
    lora.setTargetModules(java.util.List.of("q_proj", "k_proj"));
    TrainerConfig config =
        new TrainerConfig(
            base.schemaVersion(),
            base.jobName(),
            base.model(),
            base.data(),
            MethodType.LORA,
            lora,
            base.hyperparameters(),
            base.checkpoints(),
            base.outputDir(),
            base.progressPort(),
            base.terminationMessagePath(),
            base.volumes(),
            base.gpus());
    TrainRequest r = TrainerConfigRequest.builder(config).build();
    assertThat(r.method().type()).isEqualTo(MethodType.LORA);
    assertThat(r.method().loraRank()).isEqualTo(16);
    assertThat(r.method().loraAlpha()).isEqualTo(32.0);
    assertThat(r.method().loraDropout()).isEqualTo(0.05);
    assertThat(r.method().loraTargetModules()).containsExactly("q_proj", "k_proj");
    assertThat(TrainerConfigRequest.builder(base).build().method().loraTargetModules()).isNull();
    assertThat(r.method().mergeAdapter()).as("no merged/ unless asked").isFalse();

    // spec.output.publish.what merged: the operator asks for merged/ as well.
    TrainerConfig merged =
        new TrainerConfig(
            config.schemaVersion(),
            config.jobName(),
            config.model(),
            config.data(),
            config.method(),
            config.lora(),
            config.hyperparameters(),
            config.checkpoints(),
            config.outputDir(),
            config.progressPort(),
            config.terminationMessagePath(),
            config.volumes(),
            config.gpus(),
            null,
            null,
            null,
            true);
    assertThat(TrainerConfigRequest.builder(merged).build().method().mergeAdapter()).isTrue();
  }

  @Test
  void packingValidationSplitAndEarlyStoppingReachTheRequest() {
    Hyperparameters h = new Hyperparameters();
    dev.finetune.api.v1alpha1.EarlyStopping early = new dev.finetune.api.v1alpha1.EarlyStopping();
    early.setPatience(3);
    early.setMinDelta(0.01);
    h.setEarlyStopping(early);
    TrainerConfig base = config(MethodType.FULL, h, "/d.jsonl", null);
    TrainerConfig withAll =
        new TrainerConfig(
            base.schemaVersion(),
            base.jobName(),
            base.model(),
            new TrainerConfig.Data("/d.jsonl", null, DataFormat.TEXT, 64, true, 0.1),
            base.method(),
            null,
            base.hyperparameters(),
            base.checkpoints(),
            base.outputDir(),
            base.progressPort(),
            base.terminationMessagePath(),
            base.volumes(),
            base.gpus());
    TrainRequest r = TrainerConfigRequest.builder(withAll).build();
    assertThat(r.inputs().packing()).isTrue();
    assertThat(r.inputs().validationSplit()).isEqualTo(0.1);
    assertThat(r.training().earlyStopping()).isEqualTo(new EarlyStopping(3, 0.01));
  }

  @Test
  void refusalsNameTheFineTuneJobFieldsTheValuesCameFrom() {
    Hyperparameters h = new Hyperparameters();
    h.setWarmupSteps(10L);
    h.setWarmupRatio(0.1);
    assertThatThrownBy(
            () -> TrainerConfigRequest.builder(config(MethodType.FULL, h, "/d", null)).build())
        .hasMessage(
            "give either spec.hyperparameters.warmupSteps or spec.hyperparameters.warmupRatio,"
                + " not both");

    Hyperparameters early = new Hyperparameters();
    dev.finetune.api.v1alpha1.EarlyStopping stopping =
        new dev.finetune.api.v1alpha1.EarlyStopping();
    stopping.setPatience(2);
    early.setEarlyStopping(stopping);
    assertThatThrownBy(
            () -> TrainerConfigRequest.builder(config(MethodType.FULL, early, "/d", null)).build())
        .hasMessage(
            "early stopping (spec.hyperparameters.earlyStopping) needs validation data:"
                + " spec.dataset.validation.source or spec.dataset.validationSplit");
  }

  @Test
  void earlyStoppingWatchesTheNamedMetricAsHuggingFaceResolvesIt(@TempDir Path dir)
      throws Exception {
    Hyperparameters h = new Hyperparameters();
    dev.finetune.api.v1alpha1.EarlyStopping early = new dev.finetune.api.v1alpha1.EarlyStopping();
    early.setPatience(2);
    early.setMetric("loss");
    h.setEarlyStopping(early);
    TrainRequest loss =
        TrainerConfigRequest.builder(config(MethodType.FULL, h, "/d", "/v.jsonl")).build();
    assertThat(loss.training().earlyStopping())
        .as("metric_for_best_model: loss is eval_loss, lower is better")
        .isEqualTo(new EarlyStopping(2, 0, "eval_loss", false));

    early.setMetric("rewards/accuracies");
    assertThatThrownBy(
            () ->
                TrainerConfigRequest.builder(config(MethodType.FULL, h, "/d", "/v.jsonl")).build())
        .as("a metric SFT's evaluation does not report, named by its spec field")
        .hasMessage(
            "spec.hyperparameters.earlyStopping.metric is eval_rewards/accuracies, which"
                + " evaluation does not report; set it to one of eval_loss, eval_tokens");

    CliRun flags =
        CliRun.of(
            TrainArgs.train()
                .model("m")
                .data("d")
                .format("text")
                .output(dir)
                .with("--eval-data", "v")
                .with("--early-stopping-patience", 2)
                .with("--early-stopping-metric", "accuracy")
                .args());
    assertThat(flags.code()).isEqualTo(78);
    assertThat(flags.err())
        .contains("--early-stopping-metric is eval_accuracy, which evaluation does not report");
    assertThat(EarlyStopping.of(2, 0, "eval_accuracy", null).greaterIsBetter())
        .as("greater_is_better defaults to true for a metric that is not a loss")
        .isTrue();
    assertThat(EarlyStopping.of(2, 0, "accuracy", false))
        .isEqualTo(new EarlyStopping(2, 0, "eval_accuracy", false));
  }

  @Test
  void batchSizeAutoFromTheSpecSizesToTheDeviceWithinMaxBatchSize() {
    Hyperparameters h = new Hyperparameters();
    h.setBatchSize(new IntOrString("auto"));
    h.setMaxBatchSize(16);
    TrainRequest r = TrainerConfigRequest.builder(config(MethodType.FULL, h, "/d", null)).build();
    assertThat(r.training().sizing().auto()).isTrue();
    assertThat(r.training().batchSize()).as("the largest micro-batch tried").isEqualTo(16);

    h.setBatchSize(new IntOrString(4));
    h.setMaxBatchSize(null);
    TrainRequest fixed =
        TrainerConfigRequest.builder(config(MethodType.FULL, h, "/d", null)).build();
    assertThat(fixed.training().sizing().auto()).isFalse();
    assertThat(fixed.training().batchSize()).isEqualTo(4);
  }

  @Test
  void aFlagBesideTheConfigIsNamedAsTheFlag(@TempDir Path dir) throws Exception {
    Hyperparameters h = new Hyperparameters();
    h.setWarmupSteps(10L);
    Path file = dir.resolve("trainer-config.json");
    JSON.writeValue(file.toFile(), config(MethodType.FULL, h, "/d", null));
    CliRun run =
        CliRun.of(TrainArgs.train().with("--config", file).with("--warmup-ratio", 0.1).args());
    assertThat(run.code()).isEqualTo(78);
    assertThat(run.err())
        .contains("give either spec.hyperparameters.warmupSteps or --warmup-ratio, not both");

    CliRun flags =
        CliRun.of(
            "train",
            "--model",
            "m",
            "--data",
            "d",
            "--format",
            "text",
            "--output",
            dir.toString(),
            "--merge-adapter");
    assertThat(flags.code()).isEqualTo(78);
    assertThat(flags.err()).contains("--merge-adapter needs --method lora");
  }

  @Test
  void trainWithAConfigFileWritesTheModelAndTheTerminationMessage(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("first12.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 12));
    Hyperparameters h = new Hyperparameters();
    h.setMaxSteps(3L);
    h.setBatchSize(new IntOrString(4));
    h.setLearningRate(1e-3);
    h.setScheduler(SchedulerType.CONSTANT);
    h.setWarmupSteps(0L);
    h.setWeightDecay(0.0);
    h.setMaxGradNorm(0.0);
    h.setSeed(42L);
    Path out = dir.resolve("out");
    Path message = dir.resolve("termination-log");
    TrainerConfig config =
        new TrainerConfig(
            TrainerConfig.SCHEMA_VERSION,
            "demo",
            new TrainerConfig.Model(
                Fixtures.model("tiny-gpt2").toString(), null, ModelDtype.FLOAT32),
            new TrainerConfig.Data(data.toString(), null, DataFormat.TEXT, 64, false, null),
            MethodType.FULL,
            null,
            h,
            null,
            out.toString(),
            0,
            message.toString(),
            null,
            0);
    Path file = dir.resolve("trainer-config.json");
    JSON.writeValue(file.toFile(), config);

    // --no-shuffle is the one flag added by hand: the reference numbers need file order.
    int code =
        TrainerMain.run(TrainArgs.train().with("--config", file).with("--no-shuffle").args());
    assertThat(code).isZero();
    assertThat(out.resolve("final/model.safetensors")).exists();
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(result.get("status").asText()).isEqualTo("Succeeded");
    assertThat(result.get("layout").asText()).isEqualTo("model");
    assertThat(result.get("steps").asLong()).isEqualTo(3);
    assertThat(result.get("trainedTokens").asLong()).isEqualTo(227 + 240 + 209);
    assertThat(result.get("trainLoss").asDouble()).isCloseTo(5.658257007598877, within(2e-4));
    assertThat(result.get("trainer").get("devices").asText()).startsWith("CPU");
    assertThat(result.get("trainer").get("engine").asText()).startsWith("PyTorch ");
    assertThat(Files.size(message)).isLessThan(4096);
  }

  @Test
  void aFailedRunLeavesItsReasonInTheTerminationMessage(@TempDir Path dir) throws Exception {
    Path message = dir.resolve("termination-log");
    int code =
        TrainerMain.run(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(Fixtures.data("bad.jsonl"))
                .format("text")
                .maxLength(64)
                .output(dir.resolve("out"))
                .with("--termination-message-path", message)
                .args());
    assertThat(code).isEqualTo(65);
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(result.get("status").asText()).isEqualTo("Failed");
    assertThat(result.get("error").asText()).startsWith("11 invalid line(s)");
    assertThat(result.get("error").asText().length())
        .isLessThanOrEqualTo(TerminationMessage.MAX_ERROR);
  }

  private static TrainerConfig config(
      MethodType method, Hyperparameters h, String train, String validation) {
    return new TrainerConfig(
        TrainerConfig.SCHEMA_VERSION,
        "demo",
        new TrainerConfig.Model("/models/m", "/var/run/secrets/hub/token", ModelDtype.FLOAT32),
        new TrainerConfig.Data(train, validation, DataFormat.TEXT, 64, false, null),
        method,
        null,
        h,
        null,
        "/out",
        8000,
        "/dev/termination-log",
        null,
        2);
  }
}
