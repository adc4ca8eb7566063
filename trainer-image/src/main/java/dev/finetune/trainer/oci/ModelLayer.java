/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.oci;

import dev.finetune.trainer.TrainerException;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One model file as one image layer: an uncompressed tar ({@link #MEDIA_TYPE}) holding the file at
 * {@code /models/<name>} (with its parent folders), the layout KServe modelcars and Kubernetes
 * image volumes expect. The tar depends on the file's name and bytes only (owner 0, mode 0644/0755,
 * a fixed time), so the same file gives the same layer in every push: a registry that has it from
 * an earlier job is not sent it again. Weights are not re-compressed (safetensors barely compress,
 * and gzip of gigabytes costs minutes of CPU).
 *
 * @param file the file on disk
 * @param name its path inside the model folder, with {@code /}
 */
public record ModelLayer(Path file, String name) {
  /** OCI's uncompressed layer. */
  public static final String MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";

  /** The folder inside the image. */
  public static final String ROOT = "models";

  /** Every entry's time: jib's choice (1 s after the epoch; 0 upsets some tools). */
  static final Instant ENTRY_TIME = Instant.ofEpochSecond(1);

  /** Writes the layer's tar to {@code out} (left open). */
  public void writeTo(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(new KeepOpen(out));
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    String dir = ROOT + "/";
    tar.putArchiveEntry(directory(dir));
    tar.closeArchiveEntry();
    String[] parts = name.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      dir += parts[i] + "/";
      tar.putArchiveEntry(directory(dir));
      tar.closeArchiveEntry();
    }
    TarArchiveEntry entry = new TarArchiveEntry(ROOT + "/" + name, true);
    entry.setSize(Files.size(file));
    entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE);
    entry.setModTime(java.nio.file.attribute.FileTime.from(ENTRY_TIME));
    owner(entry);
    tar.putArchiveEntry(entry);
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
    tar.finish();
    tar.close();
  }

  /** The layer's SHA-256 ({@code sha256:…}) and size, from one pass over the file. */
  public Blob describe() throws IOException {
    MessageDigest sha = sha256();
    Counting counting = new Counting(OutputStream.nullOutputStream());
    try (DigestOutputStream out = new DigestOutputStream(counting, sha)) {
      writeTo(out);
    }
    return new Blob("sha256:" + HexFormat.of().formatHex(sha.digest()), counting.count);
  }

  /**
   * A blob's identity.
   *
   * @param digest {@code sha256:…}
   * @param size bytes
   */
  public record Blob(String digest, long size) {}

  private static TarArchiveEntry directory(String path) {
    TarArchiveEntry dir = new TarArchiveEntry(path, true);
    dir.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
    dir.setModTime(java.nio.file.attribute.FileTime.from(ENTRY_TIME));
    owner(dir);
    return dir;
  }

  private static void owner(TarArchiveEntry entry) {
    entry.setUserId(0);
    entry.setGroupId(0);
    entry.setUserName("");
    entry.setGroupName("");
  }

  /**
   * Unpacks the files under {@code /models} of one layer into {@code target} (the layer's tar,
   * plain or gzip-compressed, told apart by its first bytes). Entries outside {@code /models},
   * links and anything that would leave {@code target} are skipped or refused; a file is written
   * under a temporary name and renamed when complete. Returns the names written.
   */
  public static List<String> unpack(InputStream layer, Path target, String source)
      throws IOException {
    InputStream in = new BufferedInputStream(layer, 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    List<String> written = new ArrayList<>();
    Path root = target.toAbsolutePath().normalize();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String path = entry.getName();
        while (path.startsWith("./") || path.startsWith("/")) {
          path = path.substring(path.startsWith("./") ? 2 : 1);
        }
        if (!path.startsWith(ROOT + "/") || !entry.isFile()) {
          continue;
        }
        String name = path.substring(ROOT.length() + 1);
        Path out = root.resolve(name).normalize();
        if (name.isEmpty() || !out.startsWith(root) || out.equals(root)) {
          throw TrainerException.config(source + ": a layer holds " + path + ", outside /models");
        }
        Files.createDirectories(out.getParent());
        Path temp = out.resolveSibling(out.getFileName() + ".part");
        Files.copy(tar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING);
        written.add(name);
      }
    }
    return written;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts what passes. */
  static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  /** Lets the tar stream finish without closing the stream the registry client owns. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
