/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.trainer.TrainerException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The device check on this machine's real engine (CPU natives, no GPU) and, for the GPU paths a CPU
 * cannot reach, on an engine view written by hand.
 */
class DeviceCheckTest {
  @Test
  void theEngineHereSeesTheCpuNativesAndNoGpu() {
    EngineView view = EngineView.observe(Map.of("NVIDIA_VISIBLE_DEVICES", "all"));
    assertThat(view.usableGpus()).isZero();
    assertThat(view.flavor()).isEqualTo("cpu");
    assertThat(view.engineLine())
        .matches("PyTorch \\d+\\.\\d+\\.\\d+ \\(cpu\\), DJL 0\\.\\d+\\.\\d+");
    assertThat(view.libraries()).containsOnlyKeys("libcudart", "libcuda", "libnvidia-ml");
    assertThat(view.describe())
        .contains("flavor cpu (built without CUDA)")
        .contains("CUDA_VISIBLE_DEVICES unset")
        .contains("NVIDIA_VISIBLE_DEVICES=all")
        .doesNotContain("\n");
  }

  @Test
  void aRunThatMustHaveAGpuFailsHereAtOnceWithWhatTheEngineSaw() {
    assertThatThrownBy(() -> DeviceCheck.run(1))
        .isInstanceOfSatisfying(
            TrainerException.class,
            e -> assertThat(e.exitCode()).isEqualTo(TrainerExitCodes.GPU_UNAVAILABLE))
        .hasMessageStartingWith("the pod requested 1 GPU but the engine can use none")
        .hasMessageContaining("spec.resources.gpus: 0 (--gpus 0) trains on the CPU")
        .hasMessageContaining("natives, flavor cpu (built without CUDA)")
        .hasMessageContaining("libcudart: ")
        .hasMessageContaining("CUDA_VISIBLE_DEVICES");
  }

  @Test
  void aCpuRunOrOneThatSaysNothingPassesAndSaysWhatItRunsOn() {
    for (Integer gpus : new Integer[] {0, null}) {
      TrainerRuntime runtime = DeviceCheck.run(gpus);
      assertThat(runtime.devices()).matches("CPU \\(\\d+ cores?\\)");
      assertThat(runtime.engine()).matches("PyTorch .+ \\(cpu\\), DJL .+");
      assertThat(runtime.memory()).matches("\\d+\\.\\d GiB");
    }
  }

  @Test
  void theProbeIsAForwardAndBackwardPassThatPassesOnAWorkingDevice() {
    DeviceCheck.probe(Device.cpu());
  }

  @Test
  void usableGpusAreProbedEachAndDescribedByName() {
    EngineView view = gpuView(true, 2);
    List<Device> probed = new java.util.ArrayList<>();
    TrainerRuntime runtime = DeviceCheck.check(2, view, probed::add);
    assertThat(probed).containsExactly(Device.gpu(0), Device.gpu(1));
    assertThat(runtime)
        .isEqualTo(
            new TrainerRuntime(
                "2 × NVIDIA H100 80GB HBM3",
                "PyTorch 2.7.1 (cu128), DJL 0.36.0",
                "79.1 GiB per GPU"));
  }

  @Test
  void aGpuThatFailsTheProbeFailsTheRunNamingIt() {
    assertThatThrownBy(
            () ->
                DeviceCheck.check(
                    2,
                    gpuView(true, 2),
                    d -> {
                      if (d.getDeviceId() == 1) {
                        throw new IllegalStateException("CUDA error: an illegal memory access");
                      }
                    }))
        .isInstanceOfSatisfying(TrainerException.class, e -> assertThat(e.exitCode()).isEqualTo(69))
        .hasMessageStartingWith(
            "GPU 1 failed a tiny forward and backward pass before the model loaded: CUDA error: an"
                + " illegal memory access");
  }

  @Test
  void fewerUsableGpusThanRequestedFailBeforeAnyProbe() {
    assertThatThrownBy(
            () ->
                DeviceCheck.check(
                    2,
                    gpuView(true, 1),
                    d -> {
                      throw new AssertionError("no probe before the count is checked");
                    }))
        .hasMessageStartingWith("the pod requested 2 GPUs but the engine can use only 1");
  }

  @Test
  void gpusTheNativesCannotUseAreNotUsable() {
    // CPU natives on a GPU node: CUDA sees the device, PyTorch cannot use it.
    EngineView view = gpuView(false, 1);
    assertThat(view.usableGpus()).isZero();
    assertThatThrownBy(() -> DeviceCheck.check(1, view, d -> {}))
        .hasMessageContaining("built without CUDA")
        .hasMessageContaining("CUDA devices: 1");
  }

  @Test
  void theFlavorIsReadFromDjlsFolderOfTheNatives() {
    assertThat(EngineView.flavor("/root/.djl.ai/pytorch/2.7.1-20250812-cu128-linux-x86_64", true))
        .isEqualTo("cu128");
    assertThat(EngineView.flavor("/root/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64", false))
        .isEqualTo("cpu");
    assertThat(EngineView.flavor("/opt/libtorch", true)).isEqualTo("cuda");
  }

  private static EngineView gpuView(boolean nativesHaveCuda, int devices) {
    Map<String, String> libraries = new LinkedHashMap<>();
    libraries.put("libcudart", "/usr/local/cuda/lib64/libcudart.so.12");
    libraries.put("libcuda", "/usr/lib/x86_64-linux-gnu/libcuda.so.1");
    libraries.put("libnvidia-ml", "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("CUDA_VISIBLE_DEVICES", null);
    environment.put("NVIDIA_VISIBLE_DEVICES", "GPU-1,GPU-2");
    return new EngineView(
        "PyTorch 2.7.1",
        "0.36.0",
        nativesHaveCuda ? "cu128" : "cpu",
        nativesHaveCuda,
        devices,
        "12.8",
        null,
        libraries,
        environment,
        nativesHaveCuda
            ? java.util.Collections.nCopies(devices, "NVIDIA H100 80GB HBM3")
            : List.of(),
        nativesHaveCuda ? 84_929_347_584L : null,
        16,
        64L << 30);
  }
}
