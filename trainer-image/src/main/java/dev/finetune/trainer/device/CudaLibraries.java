/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.device;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CUDA libraries as this process finds them, looked up the way DJL looks for the CUDA runtime
 * (JNA, by name, on the system's library path): DJL finds a GPU only through {@code libcudart}, and
 * where it cannot load it or the driver, it picks the CPU without a word. These lookups are what
 * such a silence hides.
 */
final class CudaLibraries {
  /** The runtime DJL loads, the driver the runtime needs, and NVML (what nvidia-smi reads). */
  private static final List<String> LIBRARIES = List.of("cudart", "cuda", "nvidia-ml");

  private CudaLibraries() {}

  /** Each library ({@code libcudart}, ...) with the file it was loaded from, or "not found". */
  static Map<String, String> find() {
    Map<String, String> found = new LinkedHashMap<>();
    for (String name : LIBRARIES) {
      found.put("lib" + name, load(name).map(CudaLibraries::file).orElse("not found"));
    }
    return found;
  }

  /**
   * What the CUDA runtime answers when asked for its devices, when it does not find any: its own
   * error text (e.g. no driver, a driver older than the runtime); empty when it finds devices or
   * cannot be loaded.
   */
  static Optional<String> deviceCountError() {
    return load("cudart")
        .flatMap(
            cudart -> {
              int[] count = new int[1];
              int code = cudart.getFunction("cudaGetDeviceCount").invokeInt(new Object[] {count});
              return code == 0 ? Optional.empty() : Optional.of(errorString(cudart, code));
            });
  }

  /**
   * The name of CUDA device {@code device} (e.g. "NVIDIA H100 80GB HBM3"), or empty. The name is
   * the first field of {@code cudaDeviceProp} ({@code char name[256]}), so no other field's layout
   * matters; the buffer is larger than the struct in any CUDA version.
   */
  static Optional<String> deviceName(int device) {
    return load("cudart")
        .flatMap(
            cudart -> {
              Memory props = new Memory(8192);
              props.clear();
              try {
                int code = properties(cudart).invokeInt(new Object[] {props, device});
                String name = props.getString(0);
                return code == 0 && !name.isBlank() ? Optional.of(name) : Optional.empty();
              } catch (UnsatisfiedLinkError noSuchCall) {
                return Optional.empty();
              }
            });
  }

  /** CUDA 12 renamed the call (the old symbol remains in older runtimes only). */
  private static Function properties(NativeLibrary cudart) {
    try {
      return cudart.getFunction("cudaGetDeviceProperties_v2");
    } catch (UnsatisfiedLinkError before12) {
      return cudart.getFunction("cudaGetDeviceProperties");
    }
  }

  private static String errorString(NativeLibrary cudart, int code) {
    return cudart.getFunction("cudaGetErrorString").invokeString(new Object[] {code}, false)
        + " (error "
        + code
        + ")";
  }

  private static Optional<NativeLibrary> load(String name) {
    try {
      return Optional.of(NativeLibrary.getInstance(name));
    } catch (UnsatisfiedLinkError notFound) {
      return Optional.empty();
    }
  }

  /**
   * The file a library was loaded from. JNA knows it only when it found the file itself; a library
   * the system loader found by name is looked up in this process's memory map.
   */
  private static String file(NativeLibrary library) {
    if (library.getFile() != null && library.getFile().isAbsolute()) {
      return library.getFile().getPath();
    }
    String soName = library.getFile() == null ? library.getName() : library.getFile().getName();
    try {
      return Files.readAllLines(Path.of("/proc/self/maps")).stream()
          .map(line -> line.substring(line.lastIndexOf(' ') + 1))
          .filter(path -> path.contains("/" + soName))
          .findFirst()
          .orElse(soName);
    } catch (IOException | RuntimeException noProcFs) {
      return soName;
    }
  }
}
