/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.engine.EngineException;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import java.util.Locale;

/**
 * The engine's out-of-memory errors: CUDA's ("CUDA out of memory. Tried to allocate …") and the CPU
 * allocator's ("DefaultCPUAllocator: not enough memory …"), which DJL passes on as an {@link
 * EngineException} with PyTorch's message.
 */
final class OutOfMemory {
  private OutOfMemory() {}

  static boolean is(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    return e instanceof EngineException
        && (message.contains("out of memory") || message.contains("not enough memory"));
  }

  /** What a test injects: the engine's words for a CUDA out-of-memory error. */
  static EngineException injected(long step) {
    return new EngineException(
        "CUDA out of memory (injected at step " + step + " by --inject-out-of-memory-at-step)");
  }

  /**
   * The run's failure when the device ran out of memory and the batch size cannot shrink (not
   * {@code auto}, or already 1): permanent, with what to change.
   */
  static TrainerException failure(
      RuntimeException e, long step, int microBatch, int maxLength, boolean gpu) {
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    return new TrainerException(
        "the "
            + (gpu ? "GPU" : "CPU")
            + " ran out of memory at step "
            + step
            + " with micro-batches of "
            + microBatch
            + " × "
            + maxLength
            + " tokens ("
            + first
            + "); set hyperparameters.batchSize to auto (the trainer then halves the micro-batch"
            + " and keeps the global batch), or a smaller batchSize with a larger"
            + " gradientAccumulationSteps, or train with method lora, dtype float16 or a shorter"
            + " dataset.maxLength",
        gpu ? TrainerExitCodes.GPU_OUT_OF_MEMORY : TrainerExitCodes.OUT_OF_MEMORY);
  }
}
