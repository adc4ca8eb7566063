/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.LoraAdapter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference model's log-probabilities of every pair's chosen and rejected completion: DPO's
 * π_ref, the starting weights (for LoRA: the base model, the adapter switched off). They are
 * computed once, before the first step, in one pass without gradients (TRL's {@code
 * precompute_ref_log_probs}), and kept on the output volume ({@value #FILE}): the run holds no
 * second copy of the model, and a resumed run reads them back instead of recomputing them from
 * weights that have since moved — which is what makes its steps exactly those of an uninterrupted
 * run.
 *
 * <p>The file names the pairs it was computed for by a SHA-256 of their token ids: a run over other
 * data (or another maxLength) never reads another run's values.
 */
public final class ReferenceLogProbs {
  /** The file beside the checkpoints. */
  public static final String FILE = "reference_logps.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Each pair's {chosen, rejected} reference log-probability, by the pair itself. */
  private final Map<Example, float[]> values;

  private ReferenceLogProbs(Map<Example, float[]> values) {
    this.values = values;
  }

  /**
   * The pairs' values as one array: every pair's chosen value, then every pair's rejected value, as
   * {@link DpoObjective} orders its rows.
   */
  NDArray of(List<Example> pairs, NDManager manager) {
    int n = pairs.size();
    float[] flat = new float[2 * n];
    for (int i = 0; i < n; i++) {
      float[] v = values.get(pairs.get(i));
      if (v == null) {
        throw new IllegalStateException(
            "no reference log-probabilities for line " + pairs.get(i).line());
      }
      flat[i] = v[0];
      flat[n + i] = v[1];
    }
    return TokenBatch.nativeCopy(manager, flat, new Shape(2 * n));
  }

  /**
   * The stored values in {@code dir} when they were computed for these pairs; else computed now
   * with {@code model} as it is, and stored. Call it while the model holds the starting weights:
   * before the first step, and before a resumed run restores its checkpoint.
   *
   * @param lora whether the model's adapter is what trains: the reference is then the model with
   *     the adapter switched off
   */
  public static ReferenceLogProbs loadOrCompute(
      Path dir,
      CausalLmBlock model,
      List<Example> train,
      List<Example> validation,
      int batchSize,
      boolean lora,
      NDManager manager) {
    List<Example> pairs = new ArrayList<>(train);
    pairs.addAll(validation);
    String fingerprint = fingerprint(pairs);
    Path file = dir.resolve(FILE);
    if (Files.isRegularFile(file)) {
      Stored stored = read(file);
      if (stored.fingerprint().equals(fingerprint) && stored.values().size() == pairs.size()) {
        Map<Example, float[]> values = new IdentityHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
          values.put(pairs.get(i), stored.values().get(i));
        }
        System.out.println("reference log-probabilities: read from " + file);
        return new ReferenceLogProbs(values);
      }
      System.out.println(file + " was computed for other pairs; computing it again");
    }
    long start = System.nanoTime();
    ReferenceLogProbs computed = compute(model, pairs, batchSize, lora, manager);
    write(file, new Stored(fingerprint, pairs.stream().map(computed.values::get).toList()));
    System.out.printf(
        "reference log-probabilities: %d pairs in %.1f s, saved to %s%n",
        pairs.size(), (System.nanoTime() - start) / 1e9, file);
    return computed;
  }

  /**
   * One pass over {@code pairs} without gradients, {@code batchSize} pairs at a time; with {@code
   * lora}, the model's adapter switched off: the reference is the base model.
   */
  public static ReferenceLogProbs compute(
      CausalLmBlock model, List<Example> pairs, int batchSize, boolean lora, NDManager manager) {
    GradMode.offOnThisThread();
    LoraAdapter adapter = model.adapter();
    if (lora) {
      model.setAdapter(null);
    }
    Map<Example, float[]> values = new IdentityHashMap<>();
    try {
      for (int i = 0; i < pairs.size(); i += batchSize) {
        List<Example> chunk = pairs.subList(i, Math.min(pairs.size(), i + batchSize));
        try (NDManager step = manager.newSubManager()) {
          float[] logps = DpoObjective.sequenceLogProbs(model, chunk, step).toFloatArray();
          int n = chunk.size();
          for (int j = 0; j < n; j++) {
            values.put(chunk.get(j), new float[] {logps[j], logps[n + j]});
          }
        }
      }
    } finally {
      model.setAdapter(adapter);
    }
    return new ReferenceLogProbs(values);
  }

  /** SHA-256 of every example's token ids (a pair's both), in order: which examples these are. */
  static String fingerprint(List<Example> pairs) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer buffer = ByteBuffer.allocate(8);
      for (Example pair : pairs) {
        long[][] sequences =
            pair.isPair()
                ? new long[][] {pair.ids(), pair.rejected().ids()}
                : new long[][] {pair.ids()};
        for (long[] ids : sequences) {
          buffer.clear();
          buffer.putLong(ids.length);
          sha.update(buffer.array());
          for (long id : ids) {
            buffer.clear();
            buffer.putLong(id);
            sha.update(buffer.array());
          }
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The file's content: floats written as Jackson writes them, which read back bit for bit. */
  record Stored(String fingerprint, List<float[]> values) {}

  private static Stored read(Path file) {
    try {
      return JSON.readValue(file.toFile(), Stored.class);
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void write(Path file, Stored stored) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), stored);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
  }
}
