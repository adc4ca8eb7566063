/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Causal attention through PyTorch's own fused {@code scaled_dot_product_attention}, which DJL does
 * not bind: a TorchScript module of one line, written here as source (no Python involved), packed
 * into a TorchScript archive and compiled by libtorch when it loads it; DJL's {@link PtSymbolBlock}
 * runs it with autograd, so the backward pass is PyTorch's fused one too. The [T, T] scores and
 * softmax are never materialised (on the CPU the flash-attention kernel works in blocks). Keys and
 * values come with as many heads as the queries: with {@code enable_gqa}, libtorch 2.7.1 runs its
 * unfused math path on the CPU instead (measured: slower and larger than the eager path here).
 *
 * <p>Used for plain causal attention in float32 (no sliding window shorter than the sequence, no
 * packed segments, no soft-cap): everything else takes the eager path in {@link CausalLmBlock}.
 * {@code -Dtrainer.attention=eager} turns it off.
 */
final class FusedAttention {
  /** The module's source: q is scaled by the caller, as the eager path does. */
  static final String SOURCE =
      """
      class Attention(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        _is_full_backward_hook : Optional[bool]
        def forward(self: __torch__.Attention,
            q: Tensor,
            k: Tensor,
            v: Tensor) -> Tensor:
          _0 = torch.scaled_dot_product_attention(q, k, v, None, 0., True, scale=1.)
          return _0
      """;

  /** The module object: {@code __torch__.Attention} with training=True (pickle protocol 2). */
  private static final byte[] DATA_PKL = {
    (byte) 0x80,
    2,
    'c',
    '_',
    '_',
    't',
    'o',
    'r',
    'c',
    'h',
    '_',
    '_',
    '\n',
    'A',
    't',
    't',
    'e',
    'n',
    't',
    'i',
    'o',
    'n',
    '\n',
    'q',
    0,
    ')',
    (byte) 0x81,
    '}',
    '(',
    'X',
    8,
    0,
    0,
    0,
    't',
    'r',
    'a',
    'i',
    'n',
    'i',
    'n',
    'g',
    'q',
    1,
    (byte) 0x88,
    'X',
    0x16,
    0,
    0,
    0,
    '_',
    'i',
    's',
    '_',
    'f',
    'u',
    'l',
    'l',
    '_',
    'b',
    'a',
    'c',
    'k',
    'w',
    'a',
    'r',
    'd',
    '_',
    'h',
    'o',
    'o',
    'k',
    'q',
    2,
    'N',
    'u',
    'b',
    'q',
    3,
    '.'
  };

  /** An empty tuple: the module has no constants. */
  private static final byte[] CONSTANTS_PKL = {(byte) 0x80, 2, ')', '.'};

  private static volatile PtSymbolBlock module;

  private FusedAttention() {}

  /** Whether the fused kernel may run (the PyTorch engine, not turned off). */
  static boolean enabled(NDManager manager) {
    return !"eager".equals(System.getProperty("trainer.attention"))
        && manager instanceof PtNDManager;
  }

  /** softmax(q·kᵀ + causal mask)·v over [B, H, T, D] tensors, q already scaled. */
  static NDArray causal(NDArray q, NDArray k, NDArray v) {
    NDList out =
        load()
            .forward(
                new ParameterStore(q.getManager(), false),
                new NDList(q, k, v),
                JniUtils.isGradMode());
    return out.singletonOrThrow();
  }

  private static PtSymbolBlock load() {
    PtSymbolBlock loaded = module;
    if (loaded == null) {
      synchronized (FusedAttention.class) {
        loaded = module;
        if (loaded == null) {
          try {
            Path archive = Files.createTempFile("fused-attention", ".pt");
            try {
              write(archive);
              // A manager of its own for the process's lifetime: the module holds no tensors.
              loaded =
                  JniUtils.loadModule(
                      (PtNDManager) NDManager.newBaseManager(),
                      archive,
                      false,
                      new String[0],
                      new String[0],
                      false);
            } finally {
              Files.deleteIfExists(archive);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          module = loaded;
        }
      }
    }
    return loaded;
  }

  /** A TorchScript archive (format version 3) holding {@link #SOURCE}, entries stored. */
  static void write(Path archive) throws IOException {
    try (OutputStream file = Files.newOutputStream(archive);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      entry(zip, "attention/data.pkl", DATA_PKL);
      entry(zip, "attention/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
      entry(zip, "attention/constants.pkl", CONSTANTS_PKL);
      entry(zip, "attention/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      entry(zip, "attention/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(bytes);
    zip.closeEntry();
  }
}
