/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 of a file, read in one streaming pass. */
public final class FileDigest {
  private FileDigest() {}

  /** A file's digest (lower-case hex) and size. */
  public record Digest(String sha256, long bytes) {}

  public static Digest of(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        DigestInputStream digest =
            new DigestInputStream(in, MessageDigest.getInstance("SHA-256"))) {
      long bytes = digest.transferTo(OutputStream.nullOutputStream());
      return new Digest(HexFormat.of().formatHex(digest.getMessageDigest().digest()), bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
