/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.prepare;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.FileDigest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What pins a run's inputs: the Hub commit a source resolved to (the cache keeps each download
 * under {@code snapshots/<commit>/}), the manifest digest of an {@code oci://} model (under {@code
 * snapshots/sha256-<hex>/}) and the SHA-256 of each data file.
 */
final class Pins {
  private Pins() {}

  /**
   * The commit of a Hub snapshot folder or a file in one, the manifest digest ({@code sha256:…}) of
   * an OCI snapshot, or null for any other path.
   */
  static String revision(Path resolved) {
    Path p = resolved.toAbsolutePath().normalize();
    for (int i = 0; i + 1 < p.getNameCount(); i++) {
      if (p.getName(i).toString().equals("snapshots")) {
        String commit = p.getName(i + 1).toString();
        if (commit.matches("sha256-[0-9a-f]{64}")) {
          return commit.replace('-', ':');
        }
        return commit.matches("[0-9a-f]{40}") ? commit : null;
      }
    }
    return null;
  }

  static PrepareResult.DataFile dataFile(String source, Path file) {
    try {
      FileDigest.Digest digest = FileDigest.of(file);
      return new PrepareResult.DataFile(source, revision(file), digest.sha256(), digest.bytes());
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
  }
}
