/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.trainer.TrainerException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The first thing a run does, before it downloads or loads anything: compares the GPUs the pod
 * requested with those the engine can use, and runs a tiny forward and backward pass on each GPU.
 * DJL falls back to the CPU without a word when it cannot use a GPU, so a GPU job would otherwise
 * train for days on the CPU, or a broken device fail only after the download; here it fails in
 * seconds with exit code 69 (GpuUnavailable, not retried), naming what the engine saw.
 */
public final class DeviceCheck {
  private static final String HINT =
      "; spec.resources.gpus: 0 (--gpus 0) trains on the CPU. The engine saw: ";

  private DeviceCheck() {}

  /**
   * Checks this process's devices for a pod that requested {@code gpus} GPUs (0: the CPU on
   * purpose; null: not said, so only the GPUs there are get probed).
   *
   * @return what the run trains on
   * @throws TrainerException with exit code 69 when the engine can use fewer GPUs than requested,
   *     or one fails the probe
   */
  public static TrainerRuntime run(Integer gpus) {
    TrainerRuntime runtime = check(gpus, EngineView.observe(System.getenv()), DeviceCheck::probe);
    System.out.println(
        "devices: "
            + runtime.devices()
            + ", engine: "
            + runtime.engine()
            + ", memory: "
            + runtime.memory());
    return runtime;
  }

  static TrainerRuntime check(Integer requested, EngineView view, Consumer<Device> probe) {
    int usable = view.usableGpus();
    if (requested != null && requested > usable) {
      throw TrainerException.gpuUnavailable(
          "the pod requested "
              + gpus(requested)
              + " but the engine "
              + (usable == 0 ? "can use none" : "can use only " + usable)
              + HINT
              + view.describe());
    }
    for (int i = 0; i < usable; i++) {
      try {
        probe.accept(Device.gpu(i));
      } catch (RuntimeException e) {
        throw TrainerException.gpuUnavailable(
            "GPU "
                + i
                + " failed a tiny forward and backward pass before the model loaded: "
                + e.getMessage()
                + HINT
                + view.describe());
      }
    }
    return runtime(view);
  }

  /**
   * A small matrix product and its gradient on {@code device}: what training does, in milliseconds.
   * A device that cannot allocate, compute or run autograd fails here.
   */
  static void probe(Device device) {
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray x = manager.randomNormal(new Shape(64, 64));
      x.setRequiresGradient(true);
      NDArray sum;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        sum = x.matMul(x).sum();
        collector.backward(sum);
      }
      float gradient = x.getGradient().abs().sum().getFloat();
      if (!Float.isFinite(sum.getFloat()) || !Float.isFinite(gradient) || gradient == 0) {
        throw new IllegalStateException(
            "its result is not a finite number (sum "
                + sum.getFloat()
                + ", gradient "
                + gradient
                + ")");
      }
    }
  }

  static TrainerRuntime runtime(EngineView view) {
    int gpus = view.usableGpus();
    if (gpus == 0) {
      return new TrainerRuntime(
          "CPU (" + view.cpus() + (view.cpus() == 1 ? " core)" : " cores)"),
          view.engineLine(),
          gib(view.memoryBytes()));
    }
    List<String> names = view.gpuNames();
    boolean alike = names.stream().distinct().count() == 1;
    return new TrainerRuntime(
        alike ? gpus + " × " + names.get(0) : String.join(", ", names),
        view.engineLine(),
        view.gpuMemoryBytes() == null ? null : gib(view.gpuMemoryBytes()) + " per GPU");
  }

  private static String gpus(int count) {
    return count + (count == 1 ? " GPU" : " GPUs");
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
