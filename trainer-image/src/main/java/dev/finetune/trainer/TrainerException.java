/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer;

import dev.finetune.api.protocol.TrainerExitCodes;

/** A failure with a message for the user and the exit code it maps to. */
public class TrainerException extends RuntimeException {
  private final int exitCode;

  public TrainerException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public static TrainerException config(String message) {
    return new TrainerException(message, TrainerExitCodes.CONFIG_ERROR);
  }

  /** A failure that may pass (a network error after the retries): the pod is run again. */
  public static TrainerException temporary(String message) {
    return new TrainerException(message, TrainerExitCodes.TEMPORARY_FAILURE);
  }

  public static TrainerException data(String message) {
    return new TrainerException(message, TrainerExitCodes.DATA_ERROR);
  }

  /** The engine cannot use the GPUs the pod requested: retrying on the same node cannot help. */
  public static TrainerException gpuUnavailable(String message) {
    return new TrainerException(message, TrainerExitCodes.GPU_UNAVAILABLE);
  }

  public int exitCode() {
    return exitCode;
  }
}
