/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.SafetensorsFile;
import dev.finetune.trainer.io.SafetensorsWriter;
import dev.finetune.trainer.io.StorageFull;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code checkpoint-<step>/} folders: the trained weights as a loadable folder (a Hugging Face
 * model, or a PEFT adapter for LoRA; see {@link TrainedWeights}), the optimizer state
 * (optimizer.safetensors: exp_avg.* and exp_avg_sq.*) and trainer_state.json (steps done and the
 * log so far). A checkpoint is written into {@code checkpoint-<step>.tmp} and renamed when
 * complete, so a folder named {@code checkpoint-<step>} is always whole; a half-written one (a
 * crash mid-save leaves a {@code .tmp} folder) is ignored, and so is a folder without
 * trainer_state.json. Only the newest {@code keepLast} complete ones are kept.
 */
public final class CheckpointStore {
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
  private static final String STATE = "trainer_state.json";
  private static final String OPTIMIZER = "optimizer.safetensors";

  private final Path dir;
  private final int keepLast;
  private long protectedStep = -1;

  public CheckpointStore(Path dir, int keepLast) {
    this.dir = dir;
    this.keepLast = Math.max(1, keepLast);
  }

  /** A checkpoint read back: the steps it was taken after, and the log up to then. */
  /**
   * @param trainBatchSize the micro-batch the run trained with, or null from a checkpoint written
   *     before it was recorded
   */
  public record Restored(long step, List<StepRecord> history, Path path, Integer trainBatchSize) {}

  public void save(long step, TrainedWeights weights, AdamW optimizer, TrainerState state) {
    Path target = dir.resolve("checkpoint-" + step);
    Path temp = dir.resolve("checkpoint-" + step + ".tmp");
    try {
      Files.createDirectories(dir);
      deleteTree(temp);
      Files.createDirectories(temp);
      weights.write(temp);
      Map<String, SafetensorsWriter.Tensor> moments = new LinkedHashMap<>();
      optimizer.firstMoments().forEach((k, v) -> moments.put("exp_avg." + k, tensor(v)));
      optimizer.secondMoments().forEach((k, v) -> moments.put("exp_avg_sq." + k, tensor(v)));
      SafetensorsWriter.write(temp.resolve(OPTIMIZER), moments);
      state.write(temp.resolve(STATE));
      deleteTree(target);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      prune();
    } catch (IOException | UncheckedIOException e) {
      // A full volume: the partial checkpoint goes, the previous complete one stays.
      throw StorageFull.of(e, "checkpoint-" + step, temp, latest().map(StorageFull::size))
          .<RuntimeException>map(full -> full)
          .orElseGet(() -> new UncheckedIOException("cannot write checkpoint " + target, io(e)));
    }
  }

  private static IOException io(Exception e) {
    return e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
  }

  /** Keeps checkpoint-{@code step} beyond {@code keepLast} (the best model); one at a time. */
  public void protect(long step) {
    protectedStep = step;
  }

  public Path pathOf(long step) {
    return dir.resolve("checkpoint-" + step);
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latest() {
    return complete().stream().max(Comparator.comparingLong(CheckpointStore::stepOf));
  }

  /** Loads only the trained weights of {@code checkpoint} (the best model at the end of a run). */
  public void restoreWeights(Path checkpoint, TrainedWeights weights, NDManager manager) {
    try {
      SafetensorsFile saved = SafetensorsFile.open(checkpoint.resolve(weights.weightsFile()));
      for (Map.Entry<String, NDArray> e : weights.arrays().entrySet()) {
        // intern: the array keeps its identity and takes a native copy of the saved values.
        e.getValue().intern(array(saved, e.getKey(), manager));
      }
    } catch (IOException e) {
      throw TrainerException.config(
          "cannot read the weights of " + checkpoint + ": " + e.getMessage());
    }
  }

  /** Loads weights and optimizer state from {@code checkpoint} into the arrays and optimizer. */
  public Restored restore(
      Path checkpoint, TrainedWeights weights, AdamW optimizer, NDManager manager) {
    restoreWeights(checkpoint, weights, manager);
    try {
      SafetensorsFile moments = SafetensorsFile.open(checkpoint.resolve(OPTIMIZER));
      TrainerState state = TrainerState.read(checkpoint.resolve(STATE));
      // Skipped float16 steps did not step the optimizer (its bias corrections count its steps);
      // before its first step it has no state to restore.
      long skipped = state.skippedSteps() == null ? 0 : state.skippedSteps();
      long optimizerSteps = state.globalStep() - skipped;
      Map<String, NDArray> first = new LinkedHashMap<>();
      Map<String, NDArray> second = new LinkedHashMap<>();
      for (String key : optimizerSteps == 0 ? List.<String>of() : weights.arrays().keySet()) {
        first.put(key, array(moments, "exp_avg." + key, manager));
        second.put(key, array(moments, "exp_avg_sq." + key, manager));
      }
      optimizer.restore(optimizerSteps, first, second);
      return new Restored(
          state.globalStep(),
          new ArrayList<>(state.logHistory()),
          checkpoint,
          state.trainBatchSize());
    } catch (IOException e) {
      throw TrainerException.config("cannot resume from " + checkpoint + ": " + e.getMessage());
    }
  }

  private List<Path> complete() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve(STATE)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void prune() throws IOException {
    List<Path> all = new ArrayList<>(complete());
    all.sort(Comparator.comparingLong(CheckpointStore::stepOf));
    all.removeIf(p -> stepOf(p) == protectedStep);
    for (int i = 0; i < all.size() - keepLast; i++) {
      deleteTree(all.get(i));
    }
  }

  static long stepOf(Path checkpoint) {
    Matcher m = NAME.matcher(checkpoint.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static SafetensorsWriter.Tensor tensor(NDArray array) {
    return new SafetensorsWriter.Tensor(array.getShape().getShape(), array.toFloatArray());
  }

  private static NDArray array(SafetensorsFile file, String key, NDManager manager)
      throws IOException {
    if (!file.tensors().containsKey(key)) {
      throw new IOException("the checkpoint has no tensor " + key);
    }
    // A native copy: the array made from Java memory is closed at once (see Scalars).
    try (NDArray staged =
        manager.create(file.readFloats(key), new Shape(file.tensors().get(key).shape()))) {
      return staged.duplicate();
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
