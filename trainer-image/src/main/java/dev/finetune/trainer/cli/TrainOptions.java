/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.trainer.train.OptionNames;
import dev.finetune.trainer.train.TrainRequest;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The flags of {@code train} and {@code prepare}, one mixin per group of the {@link TrainRequest}.
 * None has a value of its own: a flag that is given sets its field of the group's builder (over
 * what a --config file set), one that is not leaves the builder's value, whose defaults ({@link
 * TrainingDefaults}) the descriptions quote.
 */
final class TrainOptions {
  @Mixin InputFlags inputs;
  @Mixin MethodFlags method;
  @Mixin TrainingFlags training;
  @Mixin CheckpointFlags checkpointing;
  @Mixin ReportingFlags reporting;
  @Mixin ObjectiveFlags objective;
  @Mixin EvaluationFlags evaluation;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * Sets on {@code b} every flag that was given; returns {@code b}. A refusal names an option by
   * its flag when the flag was given, else as the builder's names did (the config's fields).
   */
  TrainRequest.Builder applyTo(TrainRequest.Builder b) {
    inputs.applyTo(b.inputs());
    method.applyTo(b.method());
    training.applyTo(b.training());
    checkpointing.applyTo(b.checkpointing());
    reporting.applyTo(b.reporting());
    objective.applyTo(b.objective());
    evaluation.applyTo(b.evaluation());
    ParseResult given = command.commandLine().getParseResult();
    OptionNames before = b.names();
    return b.optNames(flag -> given.hasMatchedOption(flag) ? flag : before.of(flag));
  }

  static <T> void given(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** A switch is given when it is on: off leaves what --config set. */
  static void given(boolean on, Consumer<Boolean> setter) {
    if (on) {
      setter.accept(true);
    }
  }
}
