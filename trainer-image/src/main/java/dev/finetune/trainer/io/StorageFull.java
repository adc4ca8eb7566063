/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A write that failed because its volume is full (ENOSPC) becomes one clear, permanent failure
 * (exit {@link TrainerExitCodes#STORAGE_FULL}): the partly written folder is removed so that it
 * takes no space and is never mistaken for a result, and the message names the volume, what the
 * folder needed and what is free. Retrying on the same volume cannot help; what was complete before
 * (the previous checkpoint) stays as it was.
 */
public final class StorageFull {
  private StorageFull() {}

  /** Whether {@code e} (or a cause) is the operating system's "no space left on device". */
  public static boolean isCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException
          && String.valueOf(t.getMessage()).contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The failure for {@code e} when the volume was full while {@code partial} was written ({@code
   * what} names it, e.g. "checkpoint-40"); empty for any other error. Removes {@code partial}.
   *
   * @param needed what the folder takes when complete, if known (a previous checkpoint's size)
   */
  public static Optional<TrainerException> of(
      Throwable e, String what, Path partial, Optional<Long> needed) {
    if (!isCause(e)) {
      return Optional.empty();
    }
    long written = size(partial);
    delete(partial);
    long free = free(partial.getParent());
    String need =
        needed
            .map(n -> "about " + human(n))
            .orElse("more than the " + human(written) + " it had written");
    return Optional.of(
        new TrainerException(
            what
                + " could not be written: the volume holding "
                + partial.getParent()
                + " is full (it needs "
                + need
                + ", "
                + human(free)
                + " are free); the partial folder was removed. Give the volume more space or"
                + " lower checkpoints.keepLast",
            TrainerExitCodes.STORAGE_FULL));
  }

  /** Bytes of the regular files under {@code dir} (0 if it is gone). */
  public static long size(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(StorageFull::fileSize).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  private static long fileSize(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static long free(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("warning: cannot remove the partial " + dir + ": " + e.getMessage());
    }
  }

  /** Bytes as a person reads them: 812.0 KiB, 40.3 MiB, 12.50 GiB. */
  public static String human(long bytes) {
    if (bytes < 1 << 20) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1L << 30) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
