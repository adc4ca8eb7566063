/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.trainer.source.SourceResolver;
import dev.finetune.trainer.source.SourceSettings;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where downloads come from and go: the Hub endpoint, the token, the cache. */
final class SourceOptions {
  @Option(
      names = "--hf-endpoint",
      defaultValue = "${env:HF_ENDPOINT:-" + SourceSettings.DEFAULT_ENDPOINT + "}",
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
      defaultValue = "" + SourceSettings.DEFAULT_ATTEMPTS,
      description = "Tries per file; each one resumes the partial file (default ${DEFAULT-VALUE}).")
  int attempts;

  private SourceResolver resolver;

  /** What these options say. */
  SourceSettings settings() {
    return new SourceSettings(endpoint, tokenFile, cacheDir, attempts);
  }

  SourceResolver resolver() {
    if (resolver == null) {
      resolver = settings().resolver();
    }
    return resolver;
  }
}
