/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.source.HttpFetcher;
import dev.finetune.trainer.source.HubClient;
import dev.finetune.trainer.source.SourceResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where downloads come from and go: the Hub endpoint, the token, the cache. */
final class SourceOptions {
  @Option(
      names = "--hf-endpoint",
      defaultValue = "${env:HF_ENDPOINT:-https://huggingface.co}",
      description = "Hugging Face Hub endpoint (default: $HF_ENDPOINT or the public Hub).")
  URI endpoint;

  @Option(
      names = "--hf-token-file",
      description =
          "File holding a Hub token (default: the HF_TOKEN environment variable). The token is"
              + " sent only to the Hub endpoint's host and never printed.")
  Path tokenFile;

  @Option(
      names = "--cache-dir",
      description =
          "Download cache (default: $HF_HOME/finetune, or ~/.cache/huggingface/finetune).")
  Path cacheDir;

  @Option(
      names = "--download-attempts",
      defaultValue = "5",
      description = "Tries per file; each one resumes the partial file (default ${DEFAULT-VALUE}).")
  int attempts;

  private SourceResolver resolver;

  SourceResolver resolver() {
    if (resolver == null) {
      Duration backoff = Duration.ofSeconds(2);
      HttpFetcher hubHttp = new HttpFetcher(endpoint.getHost(), token(), attempts, backoff);
      HttpFetcher plain = new HttpFetcher(null, null, attempts, backoff);
      resolver = new SourceResolver(cache(), new HubClient(endpoint, hubHttp), plain);
    }
    return resolver;
  }

  private String token() {
    if (tokenFile != null) {
      try {
        String token = Files.readString(tokenFile).strip();
        return token.isEmpty() ? null : token;
      } catch (IOException e) {
        throw TrainerException.config("cannot read the token file " + tokenFile);
      }
    }
    String env = System.getenv("HF_TOKEN");
    return env == null || env.isBlank() ? null : env.strip();
  }

  private Path cache() {
    if (cacheDir != null) {
      return cacheDir;
    }
    String home = System.getenv("HF_HOME");
    return home != null && !home.isBlank()
        ? Path.of(home, "finetune")
        : Path.of(System.getProperty("user.home"), ".cache", "huggingface", "finetune");
  }
}
