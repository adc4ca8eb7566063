/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.FakeHub;
import dev.finetune.api.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} with a private hf:// model and hf:// data, as a pod runs it: the token comes from a
 * file, the run succeeds, the adapter names the Hub id as its base, and the token appears in no
 * output.
 */
class HubTrainFixtureTest {
  private static final String TOKEN = "hf_aVeryPrivateToken42";

  @Test
  void trainsFromThePrivateHubWithoutPrintingTheToken(@TempDir Path dir) throws Exception {
    Path dataDir = Fixtures.data("text.jsonl").getParent();
    try (FakeHub hub =
        new FakeHub()
            .model("org/tiny-gpt2", Fixtures.model("tiny-gpt2"))
            .privateRepo("org/tiny-gpt2", TOKEN)
            .dataset("org/data", dataDir)
            .dropOnce("model.safetensors")) {
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, TOKEN + "\n");
      Path out = dir.resolve("out");
      CliRun run =
          CliRun.of(
              TrainArgs.train()
                  .model("hf://org/tiny-gpt2")
                  .data("hf://datasets/org/data/text.jsonl")
                  .with("--eval-data", "hf://datasets/org/data@main/eval_text.jsonl")
                  .with("--hf-endpoint", hub.endpoint())
                  .with("--hf-token-file", tokenFile)
                  .with("--cache-dir", dir.resolve("cache"))
                  .with("--download-attempts", "2")
                  .format("text")
                  .maxLength(32)
                  .maxSteps(2)
                  .with("--method", "lora")
                  .output(out)
                  .args());
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out() + run.err())
          .doesNotContain(TOKEN)
          .contains("downloading model.safetensors");
      assertThat(run.err()).contains("interrupted").contains("resumes it");
      assertThat(
              new ObjectMapper()
                  .readTree(out.resolve("final/adapter_config.json").toFile())
                  .get("base_model_name_or_path")
                  .asText())
          .isEqualTo("org/tiny-gpt2");

      CliRun denied =
          CliRun.of(
              "evaluate",
              "--model",
              "hf://org/tiny-gpt2",
              "--data",
              Fixtures.data("eval_text.jsonl").toString(),
              "--format",
              "text",
              "--hf-endpoint",
              hub.endpoint().toString(),
              "--cache-dir",
              dir.resolve("other-cache").toString());
      assertThat(denied.code()).isEqualTo(78);
      assertThat(denied.err()).contains("HTTP 401").contains("hf://org/tiny-gpt2@main");
    }
  }
}
