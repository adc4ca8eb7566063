/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module of our own, written here as source: PyTorch operators DJL does not bind
 * (fused attention, the fused AdamW step) reached without Python. The source is packed into a
 * TorchScript archive (format version 3: the code, a pickled module object, no constants, no
 * tensors), which libtorch compiles when it loads it; DJL's {@link PtSymbolBlock} runs its methods,
 * with autograd where grad mode is on.
 */
public final class TorchScriptModule {
  private TorchScriptModule() {}

  /**
   * A module compiled on its first use, once per process (compiling takes tens of milliseconds and
   * the module holds no tensors, so every caller shares it).
   */
  public static Supplier<PtSymbolBlock> lazy(String className, String methods) {
    return new Supplier<>() {
      private volatile PtSymbolBlock module;

      @Override
      public PtSymbolBlock get() {
        PtSymbolBlock loaded = module;
        if (loaded == null) {
          synchronized (this) {
            loaded = module;
            if (loaded == null) {
              loaded = load(className, methods);
              module = loaded;
            }
          }
        }
        return loaded;
      }
    };
  }

  /**
   * Compiles class {@code __torch__.CLASS_NAME}, a {@code Module} with no parameters, buffers or
   * attributes besides {@code training}, whose methods are {@code methods} (TorchScript's
   * serialized form, indented by two spaces, each taking {@code self: __torch__.CLASS_NAME} first).
   * Its manager is its own for the process's lifetime: the module holds no tensors.
   */
  public static PtSymbolBlock load(String className, String methods) {
    try {
      Path archive = Files.createTempFile(className.toLowerCase(java.util.Locale.ROOT), ".pt");
      try {
        write(archive, className, source(className, methods));
        return JniUtils.loadModule(
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
  }

  /**
   * Runs {@code method} of {@code module} with {@code args}, then closes the arguments (native
   * handles; the tensors they wrap stay). DJL runs module methods in inference mode: tensors the
   * method makes are inference tensors, which autograd may not save. The caller closes the result.
   */
  public static IValue call(PtSymbolBlock module, String method, IValue... args) {
    try {
      return IValueUtils.runMethod(module, method, args);
    } finally {
      for (IValue arg : args) {
        arg.close();
      }
    }
  }

  /** A {@code List[Tensor]} argument for a module method. */
  public static IValue tensorList(List<NDArray> arrays) {
    return IValue.listFrom(arrays.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new));
  }

  /**
   * The class's code: the declarations torch.jit.save writes for such a module, then the methods.
   */
  static String source(String className, String methods) {
    return "class "
        + className
        + "(Module):\n"
        + "  __parameters__ = []\n"
        + "  __buffers__ = []\n"
        + "  training : bool\n"
        + "  _is_full_backward_hook : Optional[bool]\n"
        + methods;
  }

  /** The archive: code, the module object and the format's small files, entries stored. */
  static void write(Path archive, String className, String source) throws IOException {
    String root = className.toLowerCase(java.util.Locale.ROOT) + "/";
    try (OutputStream file = Files.newOutputStream(archive);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      entry(zip, root + "data.pkl", modulePickle(className));
      entry(zip, root + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
      // An empty tuple: the module has no constants.
      entry(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      entry(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
      entry(zip, root + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * The module object, pickle protocol 2: {@code __torch__.CLASS_NAME} built from the state {@code
   * {"training": True, "_is_full_backward_hook": None}}, as torch.jit.save writes a module with no
   * parameters.
   */
  static byte[] modulePickle(String className) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80); // PROTO 2
    out.write(2);
    ascii(out, "c__torch__\n" + className + "\n"); // GLOBAL
    out.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', '('}); // BINPUT, (), NEWOBJ, {}, MARK
    string(out, "training");
    out.writeBytes(new byte[] {'q', 1, (byte) 0x88}); // BINPUT, True
    string(out, "_is_full_backward_hook");
    out.writeBytes(new byte[] {'q', 2, 'N', 'u', 'b', 'q', 3, '.'}); // None, SETITEMS, BUILD, STOP
    return out.toByteArray();
  }

  /** BINUNICODE: 'X', a little-endian 4-byte length, UTF-8 bytes. */
  private static void string(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    for (int i = 0; i < 4; i++) {
      out.write((bytes.length >>> (8 * i)) & 0xff);
    }
    out.writeBytes(bytes);
  }

  private static void ascii(ByteArrayOutputStream out, String value) {
    out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
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
