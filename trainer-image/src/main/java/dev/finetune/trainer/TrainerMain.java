/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer;

import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.cli.Commands;
import picocli.CommandLine;

/** Entry point of the trainer: {@code java -jar finetune-trainer.jar <command>}. */
public final class TrainerMain {
  private TrainerMain() {}

  public static void main(String[] args) {
    // Natives come from the jar on the class path; never download at run time.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    // Apache HttpClient (under the registry client) logs request headers, Authorization
    // included, at debug: keep it at warn whatever the default level is.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.http", "warn");
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cli = Commands.commandLine();
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof TrainerException te) {
            commandLine.getErr().println("error: " + te.getMessage());
            return te.exitCode();
          }
          commandLine.getErr().println("error: " + e);
          e.printStackTrace(commandLine.getErr());
          return 1;
        });
    cli.setExitCodeExceptionMapper(e -> TrainerExitCodes.CONFIG_ERROR);
    return cli.execute(args);
  }
}
