/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.prepare;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.trainer.TrainerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What pins a run's inputs: the Hub commit a source resolved to (the cache keeps each download
 * under {@code snapshots/<commit>/}) and the SHA-256 of each data file.
 */
final class Pins {
  private Pins() {}

  /** The commit of a Hub snapshot folder or a file in one, or null for any other path. */
  static String revision(Path resolved) {
    Path p = resolved.toAbsolutePath().normalize();
    for (int i = 0; i + 1 < p.getNameCount(); i++) {
      if (p.getName(i).toString().equals("snapshots")) {
        String commit = p.getName(i + 1).toString();
        return commit.matches("[0-9a-f]{40}") ? commit : null;
      }
    }
    return null;
  }

  static PrepareResult.DataFile dataFile(String source, Path file) {
    try (InputStream in = Files.newInputStream(file);
        DigestInputStream digest =
            new DigestInputStream(in, MessageDigest.getInstance("SHA-256"))) {
      long bytes = digest.transferTo(java.io.OutputStream.nullOutputStream());
      String sha = HexFormat.of().formatHex(digest.getMessageDigest().digest());
      return new PrepareResult.DataFile(source, revision(file), sha, bytes);
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
