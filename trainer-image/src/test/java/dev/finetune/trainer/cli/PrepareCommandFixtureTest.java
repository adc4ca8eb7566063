/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.testing.FakeHub;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.io.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prepare}: what it reports is what training then sees (examples, steps), and each kind of
 * problem fails with its reason and exit code before anything trains.
 */
class PrepareCommandFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TrainArgs settings(TrainArgs args, Path out) {
    return settings(args, out, Fixtures.model("tiny-llama"), Fixtures.data("text.jsonl"));
  }

  private static TrainArgs settings(TrainArgs args, Path out, Object model, Path data) {
    return args.model(model)
        .data(data)
        .format("text")
        .maxLength(32)
        .batchSize(4)
        .epochs(1)
        .with("--validation-split", "0.25")
        .with("--packing")
        .lora(4)
        .output(out);
  }

  @Test
  void reportsWhatTrainingThenSees(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path message = dir.resolve("termination-log");
    CliRun prepared =
        CliRun.of(
            settings(TrainArgs.prepare(), out).with("--termination-message-path", message).args());
    assertThat(prepared.code()).as(prepared.err()).isZero();
    assertThat(prepared.out()).contains("prepared: llama");
    JsonNode report = JSON.readTree(out.resolve("prepare-report.json").toFile());
    assertThat(JSON.readTree(message.toFile())).isEqualTo(report);
    assertThat(Files.size(message)).isLessThanOrEqualTo(4096);
    assertThat(report.get("status").asText()).isEqualTo("Succeeded");

    JsonNode model = report.get("model");
    assertThat(model.get("architecture").asText()).isEqualTo("llama");
    SafetensorsFile weights =
        SafetensorsFile.open(Fixtures.model("tiny-llama").resolve("model.safetensors"));
    long parameters =
        weights.tensors().values().stream().mapToLong(SafetensorsFile.TensorInfo::elements).sum();
    assertThat(model.get("parameters").asLong()).isEqualTo(parameters);
    assertThat(model.get("trainableParameters").asLong())
        .as("LoRA r=4 on q_proj and v_proj")
        .isPositive()
        .isLessThan(parameters / 10);
    assertThat(model.get("estimatedTrainingMemoryBytes").asLong()).isGreaterThan(4 * parameters);

    JsonNode data = report.get("dataset");
    long lines = Files.readAllLines(Fixtures.data("text.jsonl")).size();
    assertThat(data.get("trainExamples").asLong() + data.get("validationExamples").asLong())
        .isEqualTo(lines);
    assertThat(data.get("validationExamples").asLong()).isEqualTo((long) Math.ceil(0.25 * lines));
    assertThat(data.get("sequences").asLong()).isPositive();
    JsonNode file = data.get("files").get(0);
    assertThat(file.get("sha256").asText()).isEqualTo(sha256(Fixtures.data("text.jsonl")));
    assertThat(report.get("storage").get(0).get("neededBytes").asLong()).isPositive();

    CliRun trained = CliRun.of(settings(TrainArgs.train(), out).args());
    assertThat(trained.code()).as(trained.err()).isZero();
    JsonNode state = JSON.readTree(out.resolve("trainer_state.json").toFile());
    assertThat(state.get("max_steps").asLong()).isEqualTo(report.get("totalSteps").asLong());
    assertThat(state.get("train_examples").asLong()).isEqualTo(data.get("trainExamples").asLong());
    assertThat(state.get("eval_examples").asLong())
        .isEqualTo(data.get("validationExamples").asLong());
  }

  @Test
  void aBadLineFailsWithDataErrorNamingIt(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("bad.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(Fixtures.data("text.jsonl")));
    lines.set(2, "{\"txt\": \"no text field\"}");
    Files.write(data, lines);
    Path message = dir.resolve("termination-log");
    CliRun run =
        CliRun.of(
            settings(TrainArgs.prepare(), dir.resolve("out"), Fixtures.model("tiny-llama"), data)
                .with("--termination-message-path", message)
                .args());
    assertThat(run.code()).isEqualTo(65);
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(result.get("status").asText()).isEqualTo("Failed");
    assertThat(result.get("reason").asText()).isEqualTo("DataError");
    assertThat(result.get("error").asText()).contains("bad.jsonl").contains("line 3");
  }

  /**
   * From the operator's config, a bad line is named by the claim the user wrote ({@code
   * pvc://data/bad.jsonl line 3}), in the termination message and the log alike, never by the path
   * the pod mounts it at; the message ends with what to change.
   */
  @Test
  void aBadLineIsNamedByTheUsersSource(@TempDir Path dir) throws Exception {
    Path claim = Files.createDirectories(dir.resolve("mnt/pvc/data"));
    List<String> lines = new ArrayList<>(Files.readAllLines(Fixtures.data("text.jsonl")));
    lines.set(2, "{\"txt\": \"no text field\"}");
    Files.write(claim.resolve("bad.jsonl"), lines);
    Path message = dir.resolve("termination-log");
    ObjectNode config = JSON.createObjectNode();
    config.put("schemaVersion", 1).put("jobName", "demo");
    config.putObject("model").put("source", Fixtures.model("tiny-llama").toString());
    config
        .putObject("data")
        .put("train", claim.resolve("bad.jsonl").toString())
        .put("format", "text")
        .put("maxLength", 32);
    config.put("outputDir", dir.resolve("workspace/output").toString());
    config.put("terminationMessagePath", message.toString());
    config
        .putArray("volumes")
        .addObject()
        .put("path", claim.toString())
        .put("source", "pvc://data");
    Path file = dir.resolve("trainer-config.json");
    JSON.writeValue(file.toFile(), config);

    CliRun run = CliRun.of("prepare", "--config", file.toString());
    assertThat(run.code()).as(run.err()).isEqualTo(65);
    String error = JSON.readTree(message.toFile()).get("error").asText();
    assertThat(error)
        .startsWith("1 invalid line(s): pvc://data/bad.jsonl line 3: missing field \"text\"")
        .endsWith("; fix these lines, or the format if the file is not text")
        .doesNotContain(claim.toString());
    assertThat(run.err()).contains("error: " + error);
  }

  @Test
  void anUnsupportedArchitectureFailsWithModelUnsupported(@TempDir Path dir) throws Exception {
    Path model = copy(Fixtures.model("tiny-llama"), dir.resolve("model"));
    ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
    config.put("model_type", "mixtral");
    JSON.writeValue(model.resolve("config.json").toFile(), config);
    JsonNode result =
        failed(
            dir,
            settings(TrainArgs.prepare(), dir.resolve("out"), model, Fixtures.data("text.jsonl")));
    assertThat(result.get("reason").asText()).isEqualTo("ModelUnsupported");
    assertThat(result.get("error").asText()).contains("model_type \"mixtral\" is not supported");
  }

  @Test
  void aLoraTargetTheModelLacksFailsWithConfigError(@TempDir Path dir) throws Exception {
    JsonNode result =
        failed(
            dir,
            settings(TrainArgs.prepare(), dir.resolve("out"))
                .with("--lora-target-modules", "c_attn"));
    assertThat(result.get("reason").asText()).isEqualTo("ConfigError");
    assertThat(result.get("error").asText())
        .contains("c_attn matches no linear layer")
        .contains("q_proj");
  }

  @Test
  void aVolumeTooSmallFailsWithInsufficientStorageAndTheNumbers(@TempDir Path dir)
      throws Exception {
    Path message = dir.resolve("termination-log");
    CliRun run =
        CliRun.of(
            settings(TrainArgs.prepare(), dir.resolve("ws/output"))
                .with("--checkpoint-dir", dir.resolve("ws/checkpoints"))
                .with("--checkpoint-volume-bytes", 200_000)
                .with("--termination-message-path", message)
                .args());
    assertThat(run.code()).as(run.err()).isEqualTo(73);
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(result.get("reason").asText()).isEqualTo("InsufficientStorage");
    assertThat(result.get("error").asText())
        .contains("not enough storage")
        .contains("(checkpoints and output) needs")
        .contains("KiB free");
  }

  @Test
  void aHubModelIsPinnedToItsCommit(@TempDir Path dir) throws Exception {
    try (FakeHub hub = new FakeHub().model("org/tiny-llama", Fixtures.model("tiny-llama"))) {
      Path out = dir.resolve("out");
      CliRun run =
          CliRun.of(
              settings(TrainArgs.prepare(), out, "hf://org/tiny-llama", Fixtures.data("text.jsonl"))
                  .with("--hf-endpoint", hub.endpoint())
                  .with("--cache-dir", dir.resolve("cache"))
                  .args());
      assertThat(run.code()).as(run.err()).isZero();
      JsonNode model = JSON.readTree(out.resolve("prepare-report.json").toFile()).get("model");
      assertThat(model.get("revision").asText()).isEqualTo(FakeHub.COMMIT);
      assertThat(model.get("source").asText()).isEqualTo("hf://org/tiny-llama");
      assertThat(hub.downloadsOf("model.safetensors"))
          .as("the weights' bytes were fetched once (from the CDN the Hub redirects to)")
          .filteredOn(seen -> seen.path().startsWith("/cdn/"))
          .hasSize(1);
    }
  }

  /**
   * Training after prepare uses the staged model and data at the pinned commit: the Hub sees no
   * request from it (what a trainer pod relies on).
   */
  @Test
  void trainingAfterPrepareMakesNoHubRequest(@TempDir Path dir) throws Exception {
    Path dataDir = Fixtures.data("text.jsonl").getParent();
    try (FakeHub hub =
        new FakeHub()
            .model("org/tiny-llama", Fixtures.model("tiny-llama"))
            .dataset("org/data", dataDir)) {
      Path out = dir.resolve("out");
      TrainArgs hubSources =
          TrainArgs.prepare()
              .model("hf://org/tiny-llama")
              .data("hf://datasets/org/data/text.jsonl")
              .format("text")
              .maxLength(32)
              .maxSteps(2)
              .lora(4)
              .output(out)
              .with("--hf-endpoint", hub.endpoint())
              .with("--cache-dir", dir.resolve("cache"));
      CliRun prepared = CliRun.of(hubSources.args());
      assertThat(prepared.code()).as(prepared.err()).isZero();
      JsonNode file =
          JSON.readTree(out.resolve("prepare-report.json").toFile())
              .get("dataset")
              .get("files")
              .get(0);
      assertThat(file.get("revision").asText()).isEqualTo(FakeHub.COMMIT);
      int before = hub.requests.size();

      String[] train = hubSources.args().clone();
      train[0] = "train";
      CliRun trained = CliRun.of(train);
      assertThat(trained.code()).as(trained.err()).isZero();
      assertThat(trained.out())
          .contains("model hf://org/tiny-llama@" + FakeHub.COMMIT + ": staged in the cache");
      assertThat(hub.requests.subList(before, hub.requests.size()))
          .as("requests made by training")
          .isEmpty();
    }
  }

  @Test
  void aDataFileEditedAfterPrepareIsRefused(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("train.jsonl");
    Files.copy(Fixtures.data("text.jsonl"), data);
    Path out = dir.resolve("out");
    TrainArgs args = settings(TrainArgs.prepare(), out, Fixtures.model("tiny-llama"), data);
    assertThat(CliRun.of(args.args()).code()).isZero();
    Files.writeString(data, "{\"text\": \"one more line\"}\n", StandardOpenOption.APPEND);

    String[] train = args.args().clone();
    train[0] = "train";
    CliRun run = CliRun.of(train);
    assertThat(run.code()).isEqualTo(78);
    assertThat(run.err()).contains("changed since the prepare step checked it");
  }

  private static JsonNode failed(Path dir, TrainArgs args) throws Exception {
    Path message = dir.resolve("termination-log");
    CliRun run = CliRun.of(args.with("--termination-message-path", message).args());
    assertThat(run.code()).as(run.err()).isEqualTo(78);
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(result.get("status").asText()).isEqualTo("Failed");
    return result;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }
}
