/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

/**
 * Exit codes of the trainer. The operator's pod failure policy fails the Job at once on {@link
 * #CONFIG_ERROR} and {@link #DATA_ERROR} (retrying cannot help) and retries anything else.
 */
public final class TrainerExitCodes {
  /** Training finished. */
  public static final int SUCCESS = 0;

  /** A line of the dataset is invalid (sysexits EX_DATAERR). */
  public static final int DATA_ERROR = 65;

  /**
   * A volume has no room for what the run must write: prepare found the checkpoints or the output
   * will not fit, or a checkpoint or the output could not be written for lack of space (sysexits
   * EX_CANTCREAT). Retrying on the same volume cannot help.
   */
  public static final int STORAGE_FULL = 73;

  /**
   * A download failed for a reason that may pass (the connection, a 5xx or 429 answer) after the
   * trainer's own retries (sysexits EX_TEMPFAIL): the Job runs the pod again, within backoffLimit.
   */
  public static final int TEMPORARY_FAILURE = 75;

  /** The configuration is invalid, or the model or data cannot be found (sysexits EX_CONFIG). */
  public static final int CONFIG_ERROR = 78;

  private TrainerExitCodes() {}
}
