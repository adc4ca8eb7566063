/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.testing.LoopbackRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A published model back in as a source: {@code oci://registry/repository:tag} is pulled into the
 * cache, prepare pins the manifest digest, and training after prepare needs no registry. An adapter
 * is refused, naming its base model.
 */
class OciSourceFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final LoopbackRegistry REGISTRY = LoopbackRegistry.anonymous();

  private static String publish(Path folder, String repository, String... extra) {
    String to = "oci://" + REGISTRY.address() + "/" + repository;
    String[] args =
        Stream.concat(
                Stream.of("publish", "--from", folder.toString(), "--to", to, "--insecure"),
                Stream.of(extra))
            .toArray(String[]::new);
    CliRun run = CliRun.of(args);
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    return run.out()
        .lines()
        .filter(l -> l.startsWith("digest: "))
        .findFirst()
        .orElseThrow()
        .substring("digest: ".length());
  }

  private static TrainArgs settings(TrainArgs args, String model, Path dir) {
    return args.model(model)
        .data(Fixtures.data("text.jsonl"))
        .format("text")
        .maxLength(32)
        .batchSize(2)
        .maxSteps(1)
        .with("--cache-dir", dir.resolve("cache"))
        .output(dir.resolve("out"));
  }

  @Test
  void aPublishedModelTrainsPinnedToItsDigest(@TempDir Path dir) throws Exception {
    Path model = Fixtures.model("tiny-gpt2");
    String digest = publish(model, "models/base:v1");
    String source = "oci://" + REGISTRY.address() + "/models/base:v1";

    CliRun prepared = CliRun.of(settings(TrainArgs.prepare(), source, dir).args());
    assertThat(prepared.code()).as(prepared.out() + prepared.err()).isZero();
    JsonNode report = JSON.readTree(dir.resolve("out/prepare-report.json").toFile());
    assertThat(report.at("/model/source").asText()).isEqualTo(source);
    assertThat(report.at("/model/revision").asText()).isEqualTo(digest);
    assertThat(report.at("/model/architecture").asText()).isEqualTo("gpt2");
    Path staged =
        dir.resolve("cache/oci")
            .resolve(REGISTRY.address().replace(':', '_'))
            .resolve("models/base/snapshots")
            .resolve(digest.replace(':', '-'));
    try (Stream<Path> files = Files.list(model)) {
      for (Path file : files.toList()) {
        assertThat(Files.mismatch(file, staged.resolve(file.getFileName().toString())))
            .as(file.getFileName().toString())
            .isEqualTo(-1L);
      }
    }

    // The trainer after prepare: the registry is gone, the pinned snapshot is enough.
    REGISTRY.stop();
    try {
      CliRun trained = CliRun.of(settings(TrainArgs.train(), source, dir).args());
      assertThat(trained.code()).as(trained.out() + trained.err()).isZero();
      assertThat(trained.out())
          .contains("model oci://" + REGISTRY.address() + "/models/base:v1@" + digest)
          .contains("staged in the cache, no download");
      assertThat(dir.resolve("out/final/model.safetensors")).exists();
    } finally {
      REGISTRY.start();
    }
  }

  @Test
  void anAdapterIsRefusedNamingItsBaseModel(@TempDir Path dir) throws IOException {
    publish(
        Fixtures.adapter("tiny-llama-lora"), "adapters/lora:v1", "--base-model", "hf://org/base");
    String source = "oci://" + REGISTRY.address() + "/adapters/lora:v1";
    CliRun run = CliRun.of(settings(TrainArgs.prepare(), source, dir).args());
    assertThat(run.code()).isEqualTo(TrainerExitCodes.CONFIG_ERROR);
    JsonNode report = JSON.readTree(dir.resolve("out/prepare-report.json").toFile());
    assertThat(report.get("error").asText())
        .contains(source + " is a LoRA adapter for hf://org/base")
        .contains("spec.model.source: hf://org/base");
  }

  @Test
  void aMissingTagIsAConfigurationErrorWithTheRegistrysReason(@TempDir Path dir)
      throws IOException {
    String source = "oci://" + REGISTRY.address() + "/models/none:v9";
    CliRun run = CliRun.of(settings(TrainArgs.prepare(), source, dir).args());
    assertThat(run.code()).isEqualTo(TrainerExitCodes.CONFIG_ERROR);
    assertThat(JSON.readTree(dir.resolve("out/prepare-report.json").toFile()).get("error").asText())
        .contains("pull the manifest v9")
        .contains("MANIFEST_UNKNOWN")
        .doesNotContain("_state");
  }
}
