/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

/**
 * How a run's micro-batch is sized to its device.
 *
 * @param auto {@code batchSize: auto}: the batch size is the largest micro-batch, and the trainer
 *     trains with the largest power-of-two fraction of it whose memory estimate fits the device
 *     (halving again on an out-of-memory error), keeping the global batch through gradient
 *     accumulation
 * @param deviceMemoryLimit bytes the device is taken to have, or null for what it reports (a GPU's
 *     free memory; the CPU reports none): set by tests so that the fit check, {@code auto} and the
 *     halving run on the CPU; the operator never sets it
 * @param outOfMemoryAtStep tests only: the step whose first micro-batch fails as a CUDA
 *     out-of-memory error would, once; null for none
 */
public record BatchSizing(boolean auto, Long deviceMemoryLimit, Long outOfMemoryAtStep) {
  /** The batch size as given, the device as it reports itself. */
  public static final BatchSizing FIXED = new BatchSizing(false, null, null);
}
