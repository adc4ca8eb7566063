/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import dev.finetune.trainer.TrainerException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where downloads come from and go: the Hub endpoint, the token file, the cache, the tries per
 * file.
 *
 * @param tokenFile a file holding the Hub token, or null for the HF_TOKEN environment variable
 * @param cacheDir the download cache, or null for $HF_HOME/finetune (~/.cache/huggingface/finetune)
 */
public record SourceSettings(URI endpoint, Path tokenFile, Path cacheDir, int attempts) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  public static final int DEFAULT_ATTEMPTS = 5;

  /** The endpoint from $HF_ENDPOINT (or the public Hub), the token from $HF_TOKEN, 5 tries. */
  public static SourceSettings fromEnvironment() {
    String endpoint = System.getenv("HF_ENDPOINT");
    return new SourceSettings(
        URI.create(endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint),
        null,
        null,
        DEFAULT_ATTEMPTS);
  }

  public SourceSettings withTokenFile(Path file) {
    return new SourceSettings(endpoint, file, cacheDir, attempts);
  }

  /** A resolver for these settings; the token goes only to the endpoint's host. */
  public SourceResolver resolver() {
    Duration backoff = Duration.ofSeconds(2);
    HttpFetcher hubHttp = new HttpFetcher(endpoint.getHost(), token(), attempts, backoff);
    HttpFetcher plain = new HttpFetcher(null, null, attempts, backoff);
    return new SourceResolver(cache(), new HubClient(endpoint, hubHttp), plain);
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
