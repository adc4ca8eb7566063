/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.prepare;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.StorageFull;
import dev.finetune.trainer.model.ModelFiles;
import dev.finetune.trainer.model.ModelSize;
import dev.finetune.trainer.train.TrainRequest;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The most a run writes, against the room its volumes have: (keepLast + 1) checkpoints — the newest
 * keepLast and the one being written; one more with early stopping, whose best checkpoint is kept
 * beyond keepLast — each the trained weights (all of them for full fine-tuning, the adapter for
 * LoRA) in float32 plus AdamW's two moments, and a model folder's tokenizer and config files; and
 * the output: {@code final/} and, for a merged LoRA run, {@code merged/}. Checkpoints and output on
 * one filesystem are counted together.
 *
 * <p>A volume's room is what its filesystem reports free and, when the volume's size is known (a
 * claim the operator created with {@code storage.size}: a local or hostPath volume reports the
 * whole disk), that size less what is already under the volume's root.
 */
final class StoragePlan {
  private StoragePlan() {}

  /** Extra bytes per checkpoint: trainer_state.json, adapter_config.json and the like. */
  static final long SMALL_FILES = 1 << 20;

  static List<PrepareResult.Storage> check(TrainRequest request, ModelSize size, Path modelDir) {
    long sideFiles = sideFiles(modelDir);
    long weights = 4 * (request.method().lora() ? size.trainable() : size.parameters());
    // A model folder carries the config and tokenizer files; an adapter folder does not.
    long carried = request.method().lora() ? 0 : sideFiles;
    long checkpoint = weights + 8 * size.trainable() + carried + SMALL_FILES;
    int kept =
        Math.max(1, request.checkpointing().saveTotalLimit())
            + 1
            + (request.training().earlyStopping() != null ? 1 : 0);
    long output = weights + carried + SMALL_FILES;
    if (request.method().lora() && request.method().mergeAdapter()) {
      output += 4 * size.parameters() + sideFiles;
    }
    Map<Object, Need> byVolume = new LinkedHashMap<>();
    add(byVolume, request.checkpointing().dir(), "checkpoints", kept * checkpoint);
    add(byVolume, request.checkpointing().output(), "output", output);
    List<PrepareResult.Storage> plan = new ArrayList<>();
    List<String> shortfalls = new ArrayList<>();
    for (Need need : byVolume.values()) {
      long free =
          free(need.path(), need.path().equals(request.checkpointing().dir()) ? request : null);
      plan.add(new PrepareResult.Storage(need.path().toString(), need.holds(), need.bytes(), free));
      if (need.bytes() > free) {
        shortfalls.add(
            String.format(
                Locale.ROOT,
                "%s (%s) needs %s, the volume has %s free",
                need.path(),
                need.holds(),
                human(need.bytes()),
                human(free)));
      }
    }
    if (!shortfalls.isEmpty()) {
      throw new TrainerException(
          "not enough storage: "
              + String.join("; ", shortfalls)
              + " (at most "
              + kept
              + " checkpoints of "
              + human(checkpoint)
              + " each, keepLast + 1"
              + (request.training().earlyStopping() != null ? " + the best model's" : "")
              + "); give the claim more space or lower checkpoints.keepLast",
          TrainerExitCodes.STORAGE_FULL);
    }
    return plan;
  }

  private record Need(Path path, String holds, long bytes) {}

  private static void add(Map<Object, Need> byVolume, Path dir, String holds, long bytes) {
    Object store = store(dir);
    Need before = byVolume.get(store);
    byVolume.put(
        store,
        before == null
            ? new Need(dir, holds, bytes)
            : new Need(before.path(), before.holds() + " and " + holds, before.bytes() + bytes));
  }

  /** The filesystem {@code dir} is on (created first). */
  private static FileStore store(Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.getFileStore(dir);
    } catch (IOException e) {
      throw TrainerException.config("cannot create " + dir + ": " + e.getMessage());
    }
  }

  private static long free(Path dir, TrainRequest request) {
    try {
      long free = Files.getFileStore(dir).getUsableSpace();
      if (request != null && request.checkpointing().volumeBytes() != null) {
        Path root = dir.toAbsolutePath().getParent();
        free = Math.min(free, Math.max(0, request.checkpointing().volumeBytes() - used(root)));
      }
      return free;
    } catch (IOException e) {
      throw TrainerException.config("cannot read the free space of " + dir + ": " + e.getMessage());
    }
  }

  /** Bytes of the regular files under {@code root}. */
  static long used(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  /** The config and tokenizer files every saved model folder carries. */
  private static long sideFiles(Path modelDir) {
    long bytes = 0;
    for (String name : ModelFiles.SIDE_FILES) {
      Path file = modelDir.resolve(name);
      try {
        bytes += Files.isRegularFile(file) ? Files.size(file) : 0;
      } catch (IOException e) {
        // An unreadable side file is copied by nobody: nothing to count.
      }
    }
    return bytes;
  }

  static String human(long bytes) {
    return StorageFull.human(bytes);
  }
}
