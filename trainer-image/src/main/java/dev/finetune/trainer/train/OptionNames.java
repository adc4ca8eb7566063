/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

/**
 * What the user wrote for an option, so that a refusal names it: the flag when it came from the
 * command line, the FineTuneJob field (e.g. {@code spec.hyperparameters.batchSize}) when it came
 * from the operator's trainer config. Options are known by their flag.
 */
@FunctionalInterface
public interface OptionNames {
  /** Every option by its flag: a request from the command line, or built in code. */
  OptionNames FLAGS = flag -> flag;

  /** The name of the option whose flag is {@code flag}. */
  String of(String flag);
}
