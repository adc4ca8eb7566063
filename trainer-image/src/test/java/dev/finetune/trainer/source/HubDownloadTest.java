/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.api.testing.FakeHub;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.TrainerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hf:// and https:// sources against a loopback Hub: resume, cache, tokens, errors. */
class HubDownloadTest {
  private static final String TOKEN = "hf_secretTokenValue123";
  private static final Path MODEL = Fixtures.model("tiny-gpt2");

  @Test
  void modelDownloadResumesAfterADroppedConnectionAndMatchesTheSource(@TempDir Path cache)
      throws Exception {
    try (FakeHub hub = new FakeHub().model("org/tiny-gpt2", MODEL).dropOnce("model.safetensors")) {
      Path dir = resolver(hub, cache, null).model("hf://org/tiny-gpt2");

      assertThat(dir)
          .isEqualTo(cache.resolve("models--org--tiny-gpt2/snapshots/" + FakeHub.COMMIT));
      for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
        assertThat(Files.mismatch(dir.resolve(file), MODEL.resolve(file))).as(file).isEqualTo(-1L);
      }
      var gets =
          hub.downloadsOf("model.safetensors").stream()
              .filter(r -> r.path().startsWith("/cdn/"))
              .toList();
      assertThat(gets).hasSize(2);
      long half = Files.size(MODEL.resolve("model.safetensors")) / 2;
      assertThat(gets.get(0).range()).isNull();
      // It resumes from what arrived before the drop: up to half (the server sent half).
      assertThat(gets.get(1).range()).as("the second try resumes").matches("bytes=\\d+-");
      long resumedAt = Long.parseLong(gets.get(1).range().replaceAll("\\D", ""));
      assertThat(resumedAt).isBetween(1L, half);
      try (Stream<Path> left = Files.list(dir)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.endsWith(".incomplete"));
      }
    }
  }

  @Test
  void aStalledDownloadIsDroppedAndResumed(@TempDir Path cache) throws Exception {
    try (FakeHub hub = new FakeHub().model("org/tiny-gpt2", MODEL).stallOnce("model.safetensors")) {
      HttpFetcher http =
          new HttpFetcher(
              hub.endpoint().getHost(), null, 3, Duration.ofMillis(10), Duration.ofMillis(300));
      SourceResolver resolver =
          new SourceResolver(cache, new HubClient(hub.endpoint(), http), http);
      java.io.PrintStream err = System.err;
      java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
      Path dir;
      try {
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        dir = resolver.model("hf://org/tiny-gpt2");
      } finally {
        System.setErr(err);
      }
      // The watchdog gave up on the silent connection (the server would hold it for 5 s).
      assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("no data for 0 s after")
          .contains("try 2 of 3 resumes it");
      assertThat(
              Files.mismatch(dir.resolve("model.safetensors"), MODEL.resolve("model.safetensors")))
          .isEqualTo(-1L);
      var gets =
          hub.downloadsOf("model.safetensors").stream()
              .filter(r -> r.path().startsWith("/cdn/"))
              .toList();
      assertThat(gets).hasSize(2);
      assertThat(gets.get(1).range()).as("the second try resumes").matches("bytes=[1-9]\\d*-");
    }
  }

  @Test
  void aCachedModelIsNotDownloadedAgain(@TempDir Path cache) throws Exception {
    try (FakeHub hub = new FakeHub().model("org/tiny-gpt2", MODEL)) {
      SourceResolver resolver = resolver(hub, cache, null);
      resolver.model("hf://org/tiny-gpt2@main");
      int before = hub.requests.size();
      resolver.model("hf://org/tiny-gpt2@main");
      assertThat(hub.requests.subList(before, hub.requests.size()))
          .as("only the listing is asked again")
          .hasSize(1)
          .allSatisfy(
              r -> assertThat(r.path()).startsWith("/api/models/org/tiny-gpt2/revision/main"));
    }
  }

  @Test
  void theTokenGoesToTheHubOnlyAndNeverIntoMessages(@TempDir Path cache) throws Exception {
    try (FakeHub hub =
        new FakeHub().model("org/private", MODEL).privateRepo("org/private", TOKEN)) {
      assertThatThrownBy(() -> resolver(hub, cache, null).model("hf://org/private"))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("private or gated")
          .satisfies(e -> assertThat(((TrainerException) e).exitCode()).isEqualTo(78));
      assertThatThrownBy(() -> resolver(hub, cache, "hf_wrong" + TOKEN).model("hf://org/private"))
          .hasMessageContaining("HTTP 401")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));

      Path dir = resolver(hub, cache, TOKEN).model("hf://org/private");
      assertThat(dir.resolve("model.safetensors")).exists();
      assertThat(hub.requests)
          .filteredOn(r -> r.host().equals("127.0.0.1") && r.authorization() != null)
          .isNotEmpty();
      assertThat(hub.requests)
          .as("the CDN on another host never sees the token")
          .filteredOn(r -> r.host().equals("localhost"))
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.authorization()).isNull());
    }
  }

  @Test
  void aMissingRepositoryOrFileIsAClearConfigurationError(@TempDir Path cache) throws Exception {
    try (FakeHub hub =
        new FakeHub()
            .model("org/tiny-gpt2", MODEL)
            .dataset("org/data", Fixtures.data("text.jsonl").getParent())) {
      SourceResolver resolver = resolver(hub, cache, null);
      assertThatThrownBy(() -> resolver.model("hf://org/nope"))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("hf://org/nope@main")
          .hasMessageContaining("HTTP 404")
          .hasMessageContaining("Repository not found")
          .hasMessageContaining("check the name and the revision");
      assertThatThrownBy(() -> resolver.dataFile("hf://datasets/org/data/missing.jsonl"))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("has no file missing.jsonl");
      assertThatThrownBy(() -> resolver.dataFile("hf://org/tiny-gpt2"))
          .hasMessageContaining("hf://datasets/org/name[@revision]/path/file.jsonl");
    }
  }

  @Test
  void aFileWhoseHashDoesNotMatchIsRejectedAndNotKept(@TempDir Path cache) throws Exception {
    try (FakeHub hub = new FakeHub().model("org/tiny-gpt2", MODEL).corrupt("model.safetensors")) {
      assertThatThrownBy(() -> resolver(hub, cache, null).model("hf://org/tiny-gpt2"))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("SHA-256")
          .hasMessageContaining("does not match");
      Path dir = cache.resolve("models--org--tiny-gpt2/snapshots/" + FakeHub.COMMIT);
      assertThat(dir.resolve("model.safetensors")).doesNotExist();
      assertThat(dir.resolve("model.safetensors.incomplete")).doesNotExist();
    }
  }

  /** A Hub that cannot be reached may come back: exit 75, which the Job retries; 401 is 78. */
  @Test
  void anUnreachableHubIsATemporaryFailure(@TempDir Path cache) throws Exception {
    FakeHub gone = new FakeHub().model("org/tiny-gpt2", MODEL);
    gone.close();
    assertThatThrownBy(() -> resolver(gone, cache, null).model("hf://org/tiny-gpt2"))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("cannot list hf://org/tiny-gpt2")
        .satisfies(e -> assertThat(((TrainerException) e).exitCode()).isEqualTo(75));
  }

  @Test
  void aListingThatPointsOutsideTheCacheIsRefused(@TempDir Path cache) throws Exception {
    try (FakeHub hub =
        new FakeHub()
            .model("org/tiny-gpt2", MODEL)
            .listAlso("org/tiny-gpt2", "../../escape.safetensors")) {
      assertThatThrownBy(() -> resolver(hub, cache, null).model("hf://org/tiny-gpt2"))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("refusing the file name \"../../escape.safetensors\"");
    }
  }

  @Test
  void datasetFilesComeFromDatasetRepositories(@TempDir Path cache) throws Exception {
    Path dataDir = Fixtures.data("text.jsonl").getParent();
    try (FakeHub hub = new FakeHub().dataset("org/data", dataDir)) {
      Path file = resolver(hub, cache, null).dataFile("hf://datasets/org/data@main/text.jsonl");
      assertThat(Files.mismatch(file, dataDir.resolve("text.jsonl"))).isEqualTo(-1L);
      assertThat(hub.requests)
          .anySatisfy(r -> assertThat(r.path()).isEqualTo("/api/datasets/org/data/revision/main"));
    }
  }

  @Test
  void anHttpsFileResumesAPartialFileLeftByAnEarlierProcess(@TempDir Path cache) throws Exception {
    Path dataDir = Fixtures.data("text.jsonl").getParent();
    try (FakeHub hub = new FakeHub().dataset("org/data", dataDir)) {
      String url = "http://localhost:" + hub.endpoint().getPort() + "/cdn/d/org/data/text.jsonl";
      SourceResolver resolver = resolver(hub, cache, TOKEN);
      byte[] full = Files.readAllBytes(dataDir.resolve("text.jsonl"));
      // What a killed process leaves: the first 1000 bytes under the .incomplete name.
      Path first = resolver.dataFile(url);
      Files.delete(first);
      Files.write(
          first.resolveSibling("text.jsonl.incomplete"), java.util.Arrays.copyOf(full, 1000));

      Path file = resolver.dataFile(url);
      assertThat(Files.readAllBytes(file)).isEqualTo(full);
      var gets = hub.downloadsOf("text.jsonl");
      assertThat(gets.get(gets.size() - 1).range()).isEqualTo("bytes=1000-");
      assertThat(gets)
          .allSatisfy(r -> assertThat(r.authorization()).as("no token to plain URLs").isNull());
    }
  }

  @Test
  void anHttpsModelFolderIsFetchedFileByFileAndMissingOptionalFilesAreSkipped(@TempDir Path cache)
      throws Exception {
    try (FakeHub hub = new FakeHub().model("org/tiny-gpt2", MODEL)) {
      String url = "http://localhost:" + hub.endpoint().getPort() + "/cdn/m/org/tiny-gpt2";
      Path dir = resolver(hub, cache, null).model(url);
      for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
        assertThat(Files.mismatch(dir.resolve(file), MODEL.resolve(file))).as(file).isEqualTo(-1L);
      }
      assertThat(dir.resolve("merges.txt")).as("absent at the source").doesNotExist();
      assertThatThrownBy(
              () ->
                  resolver(hub, cache, null)
                      .model("http://localhost:" + hub.endpoint().getPort() + "/cdn/m/org/none"))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("HTTP 404");
    }
  }

  static SourceResolver resolver(FakeHub hub, Path cache, String token) {
    HttpFetcher hubHttp =
        new HttpFetcher(hub.endpoint().getHost(), token, 3, Duration.ofMillis(10));
    HttpFetcher plain = new HttpFetcher(null, null, 3, Duration.ofMillis(10));
    return new SourceResolver(cache, new HubClient(hub.endpoint(), hubHttp), plain);
  }
}
