/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.ModelSize;
import dev.finetune.trainer.model.Precision;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Sizes the micro-batch to the device before the model loads, from {@link MemoryEstimate} (the
 * prepare step's estimate, computed by the same code): a run that cannot fit fails in seconds with
 * {@code InsufficientGpuMemory} and what would fit, rather than with an out-of-memory error after
 * the download. With {@code batchSize: auto} the micro-batch is the largest power-of-two fraction
 * of batchSize whose estimate fits.
 *
 * <p>What the device offers: a limit a test sets ({@link BatchSizing#deviceMemoryLimit}), else a
 * GPU's free memory; the CPU reports none (its limit is the pod's, enforced by the kernel), so on
 * the CPU nothing is checked and {@code auto} keeps batchSize.
 */
final class DeviceFit {
  private final TrainRequest request;
  private final ModelConfig config;
  private final Path modelDir;
  private final String device;
  private final OptionalLong available;

  DeviceFit(TrainRequest request, ModelConfig config, Path modelDir, Device device) {
    this.request = request;
    this.config = config;
    this.modelDir = modelDir;
    this.device = device.isGpu() ? "GPU " + device.getDeviceId() : "the CPU";
    this.available = available(device, request.training().sizing().deviceMemoryLimit());
  }

  private static OptionalLong available(Device device, Long limit) {
    if (limit != null) {
      return OptionalLong.of(limit);
    }
    if (device.isGpu()) {
      MemoryUsage memory = CudaUtils.getGpuMemory(device);
      return OptionalLong.of(memory.getMax() - memory.getUsed());
    }
    return OptionalLong.empty();
  }

  /** The micro-batch to train with; fails with {@code InsufficientGpuMemory} when none fits. */
  int microBatch() {
    int batch = request.training().batchSize();
    if (available.isEmpty()) {
      return batch;
    }
    ModelSize size = ModelSize.of(config, modelDir, loraConfig(request.method().lora()));
    int largest = largestFitting(size, request.training().precision(), batch);
    if (largest == batch || (largest > 0 && request.training().sizing().auto())) {
      if (largest < batch) {
        System.out.printf(
            "batch size auto: micro-batches of %d (estimate %s of %s free on %s), %d per step%n",
            largest,
            gib(estimate(size, request.training().precision(), largest)),
            gib(available.getAsLong()),
            device,
            microBatchesPerStep(largest));
      }
      return largest;
    }
    throw new TrainerException(
        String.format(
                Locale.ROOT,
                "the run needs about %s on %s (weights, gradients, optimizer state and activations"
                    + " of %d × %d tokens) but %s is free",
                gib(estimate(size, request.training().precision(), batch)),
                device,
                batch,
                request.inputs().maxLength(),
                gib(available.getAsLong()))
            + "; what would fit: "
            + String.join("; or ", alternatives(size, largest)),
        TrainerExitCodes.INSUFFICIENT_GPU_MEMORY);
  }

  /** The largest of batch, batch/2, … 1 (rounded up) whose estimate fits; 0 when none does. */
  private int largestFitting(ModelSize size, Precision precision, int batch) {
    for (int b = batch; ; b = (b + 1) / 2) {
      if (estimate(size, precision, b) <= available.getAsLong()) {
        return b;
      }
      if (b == 1) {
        return 0;
      }
    }
  }

  private List<String> alternatives(ModelSize size, int largest) {
    List<String> fits = new ArrayList<>();
    int batch = request.training().batchSize();
    Precision precision = request.training().precision();
    if (largest > 0) {
      fits.add(
          String.format(
              Locale.ROOT,
              "batchSize %d with gradientAccumulationSteps %d (the same global batch), or batchSize"
                  + " auto",
              largest,
              microBatchesPerStep(largest)));
    }
    if (!request.method().lora()) {
      ModelSize lora = ModelSize.of(config, modelDir, loraConfig(true));
      fits.add("method lora (" + gib(estimateWith(lora, precision, batch, true)) + ")");
    }
    if (precision == Precision.FLOAT32) {
      fits.add("dtype float16 (" + gib(estimate(size, Precision.FLOAT16, batch)) + ")");
    }
    fits.add(
        "a shorter dataset.maxLength ("
            + request.inputs().maxLength() / 2
            + " tokens: "
            + gib(
                MemoryEstimate.bytes(
                    config, size, request, batch, request.inputs().maxLength() / 2))
            + ")");
    fits.add("a GPU with more memory");
    return fits;
  }

  private long microBatchesPerStep(int micro) {
    long global =
        (long) request.training().batchSize() * request.training().gradientAccumulationSteps();
    return (global + micro - 1) / micro;
  }

  private long estimate(ModelSize size, Precision precision, int batch) {
    return estimateWith(size, precision, batch, request.method().lora());
  }

  private long estimateWith(ModelSize size, Precision precision, int batch, boolean lora) {
    // A DPO pair is two sequences in the forward pass.
    return MemoryEstimate.bytes(
        config,
        size,
        precision,
        lora,
        (long) batch * request.objective().sequencesPerExample(),
        request.inputs().maxLength());
  }

  private LoraConfig loraConfig(boolean lora) {
    return lora
        ? request.method().loraConfig(ModelLoader.newBlock(config).defaultLoraTargets())
        : null;
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
