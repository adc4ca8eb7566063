/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's grad mode is per thread, and on in a new thread. DJL turns it off only on the thread
 * that loads the engine, and a GradientCollector restores whatever mode it found when it closes. On
 * any other thread the optimizer's in-place updates would then fail ("a leaf Variable that requires
 * grad is being used in an in-place operation") and evaluation would record graphs. So the loop and
 * the evaluator turn it off for their own thread first.
 */
final class GradMode {
  private GradMode() {}

  static void offOnThisThread() {
    JniUtils.setGradMode(false);
  }
}
