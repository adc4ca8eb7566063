/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

/**
 * The trainer's exit codes as {@code int} constants, for its {@code switch} statements and {@code
 * System.exit}. What each failure means, the reason the operator reports and whether it is retried
 * are in {@link TrainerExit}, the one table; a test checks that each constant here but {@link
 * #SUCCESS} is the code of the row of the same name.
 */
public final class TrainerExitCodes {
  /** Training finished. */
  public static final int SUCCESS = 0;

  /** {@link TrainerExit#DATA_ERROR}. */
  public static final int DATA_ERROR = 65;

  /** {@link TrainerExit#GPU_UNAVAILABLE}. */
  public static final int GPU_UNAVAILABLE = 69;

  /** {@link TrainerExit#INSUFFICIENT_GPU_MEMORY}. */
  public static final int INSUFFICIENT_GPU_MEMORY = 71;

  /** {@link TrainerExit#GPU_OUT_OF_MEMORY}. */
  public static final int GPU_OUT_OF_MEMORY = 72;

  /** {@link TrainerExit#STORAGE_FULL}. */
  public static final int STORAGE_FULL = 73;

  /** {@link TrainerExit#OUT_OF_MEMORY}. */
  public static final int OUT_OF_MEMORY = 74;

  /** {@link TrainerExit#TEMPORARY_FAILURE}. */
  public static final int TEMPORARY_FAILURE = 75;

  /** {@link TrainerExit#PUBLISH_FAILED}. */
  public static final int PUBLISH_FAILED = 76;

  /** {@link TrainerExit#CONFIG_ERROR}. */
  public static final int CONFIG_ERROR = 78;

  private TrainerExitCodes() {}
}
