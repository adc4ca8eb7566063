/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the engine sees, gathered before anything is loaded: its natives, the GPUs, the CUDA
 * libraries and the two variables that decide which GPUs a container sees. {@link #describe()} is
 * what a GpuUnavailable failure shows.
 *
 * @param engine the engine and its version, e.g. "PyTorch 2.7.1"
 * @param djlVersion DJL's version
 * @param flavor the natives' flavour as DJL names it: cpu, cu128, ...
 * @param nativesHaveCuda whether the natives were built with CUDA (else no GPU is usable)
 * @param cudaDevices the GPUs the CUDA runtime reports (DJL's count)
 * @param cudaRuntime the CUDA runtime's version, e.g. "12.8", or null when none loads
 * @param cudaError the runtime's answer when it reports no device, or null
 * @param libraries each CUDA library with where it was found, or "not found"
 * @param environment CUDA_VISIBLE_DEVICES and NVIDIA_VISIBLE_DEVICES, null when unset
 * @param gpuNames the name of each usable GPU
 * @param gpuMemoryBytes the memory of the first usable GPU, or null
 * @param cpus the processors this process may use
 * @param memoryBytes the memory of the machine or container
 */
record EngineView(
    String engine,
    String djlVersion,
    String flavor,
    boolean nativesHaveCuda,
    int cudaDevices,
    String cudaRuntime,
    String cudaError,
    Map<String, String> libraries,
    Map<String, String> environment,
    List<String> gpuNames,
    Long gpuMemoryBytes,
    int cpus,
    long memoryBytes) {
  static final List<String> VARIABLES = List.of("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES");

  /** DJL's cache folder of the natives, e.g. {@code 2.7.1-20250812-cu128-linux-x86_64}. */
  private static final Pattern FLAVOR = Pattern.compile("-(cpu|cu\\d+|rocm[\\d.]*)(-precxx11)?-");

  static EngineView observe(Map<String, String> env) {
    Engine engine = Engine.getInstance();
    boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
    int devices = engine.getGpuCount();
    int usable = cuda ? devices : 0;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < usable; i++) {
      names.add(CudaLibraries.deviceName(i).orElse("GPU"));
    }
    Map<String, String> variables = new LinkedHashMap<>();
    VARIABLES.forEach(v -> variables.put(v, env.get(v)));
    return new EngineView(
        engine.getEngineName() + " " + engine.getVersion(),
        Engine.getDjlVersion(),
        flavor(LibUtils.getLibtorchPath(), cuda),
        cuda,
        devices,
        runtimeVersion(),
        devices > 0 ? null : CudaLibraries.deviceCountError().orElse(null),
        CudaLibraries.find(),
        variables,
        names,
        usable > 0 ? CudaUtils.getGpuMemory(Device.gpu(0)).getMax() : null,
        Runtime.getRuntime().availableProcessors(),
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize());
  }

  /** The GPUs the engine can train on: those the runtime reports, if the natives can use them. */
  int usableGpus() {
    return nativesHaveCuda ? cudaDevices : 0;
  }

  /** The engine as status shows it: "PyTorch 2.7.1 (cu128), DJL 0.36.0". */
  String engineLine() {
    return engine + " (" + flavor + "), DJL " + djlVersion;
  }

  /** Everything seen, on one line (a status message is one line). */
  String describe() {
    StringBuilder s = new StringBuilder(engine).append(" natives, flavor ").append(flavor);
    s.append(nativesHaveCuda ? " (built with CUDA)" : " (built without CUDA)");
    s.append(", DJL ").append(djlVersion);
    s.append("; CUDA devices: ").append(cudaDevices);
    if (cudaError != null) {
      s.append(" (the CUDA runtime says: ").append(cudaError).append(')');
    }
    s.append("; CUDA runtime ").append(cudaRuntime == null ? "not loaded" : cudaRuntime);
    libraries.forEach((name, where) -> s.append("; ").append(name).append(": ").append(where));
    environment.forEach(
        (name, value) ->
            s.append("; ").append(name).append(value == null ? " unset" : "=" + value));
    return s.toString();
  }

  /**
   * The flavour from DJL's folder of the natives; a folder given by hand (PYTORCH_LIBRARY_PATH)
   * need not name it, and then only CUDA or not is known.
   */
  static String flavor(String libtorchPath, boolean cuda) {
    Matcher m = FLAVOR.matcher(libtorchPath == null ? "" : libtorchPath);
    return m.find() ? m.group(1) : cuda ? "cuda" : "cpu";
  }

  private static String runtimeVersion() {
    try {
      int version = CudaUtils.getCudaVersion();
      return version / 1000 + "." + version % 1000 / 10;
    } catch (RuntimeException notLoaded) {
      return null;
    }
  }
}
