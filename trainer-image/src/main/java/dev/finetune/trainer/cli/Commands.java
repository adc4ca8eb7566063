/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The trainer's command line. */
@Command(
    name = "finetune-trainer",
    mixinStandardHelpOptions = true,
    version = "finetune-trainer 0.1.0",
    description = "Fine-tunes and evaluates Hugging Face causal language models (DJL, PyTorch).",
    subcommands = {
      TrainCommand.class,
      PrepareCommand.class,
      EvaluateCommand.class,
      GenerateCommand.class,
      ValidateDataCommand.class,
      EngineCommand.class,
      PublishCommand.class
    })
public final class Commands {
  private Commands() {}

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Commands());
    cli.setUsageHelpWidth(100);
    return cli;
  }
}
