/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import dev.finetune.api.v1alpha1.SchedulerType;

/**
 * The training defaults, in one place: the operator fills a FineTuneJob's unset fields with them
 * (and the CRD's descriptions state them), and the trainer uses them for flags that are not given.
 */
public final class TrainingDefaults {
  public static final int MAX_LENGTH = 1024;
  public static final int LORA_RANK = 8;
  public static final double LORA_ALPHA = 16;
  public static final double LORA_DROPOUT = 0;
  public static final int EPOCHS = 1;
  public static final int BATCH_SIZE = 8;
  public static final int GRADIENT_ACCUMULATION_STEPS = 1;
  public static final double LEARNING_RATE_FULL = 2e-5;
  public static final double LEARNING_RATE_LORA = 2e-4;
  public static final long WARMUP_STEPS = 0;
  public static final double WARMUP_RATIO = 0;
  public static final SchedulerType SCHEDULER = SchedulerType.LINEAR;
  public static final double WEIGHT_DECAY = 0;
  public static final double MAX_GRAD_NORM = 1.0;
  public static final long SEED = 42;
  public static final double ADAM_BETA1 = 0.9;
  public static final double ADAM_BETA2 = 0.999;
  public static final double ADAM_EPS = 1e-8;
  public static final int CHECKPOINT_KEEP_LAST = 3;

  private TrainingDefaults() {}
}
