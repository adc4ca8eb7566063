/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real command-line tools that .ci/install-tools.sh puts in .tools/bin (helm, kubectl,
 * promtool). Without them a test is skipped on a developer machine and fails in CI (CI=true).
 */
public final class DeploymentTools {
  private DeploymentTools() {}

  /** What a tool printed and how it ended. */
  public record Result(int exitCode, String output) {}

  /** The repository root (tests run in a module folder). */
  public static Path root() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  public static Path tool(String name) {
    Path path = root().resolve(".tools/bin/" + name);
    if (!Files.isExecutable(path)) {
      if ("true".equals(System.getenv("CI"))) {
        fail(name + " is missing from .tools/bin: run .ci/install-tools.sh");
      }
      assumeTrue(false, name + " is not installed (.ci/install-tools.sh installs it)");
    }
    return path;
  }

  /**
   * Runs {@code tool args…} in the repository root with {@code stdin} (may be null), waiting at
   * most two minutes.
   */
  public static Result run(String name, Path stdin, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(tool(name).toString());
    command.addAll(List.of(args));
    return exec(command, stdin);
  }

  /** Runs a command line in the repository root, waiting at most two minutes. */
  public static Result exec(List<String> command, Path stdin) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).directory(root().toFile());
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail(command.get(0) + " did not finish within two minutes");
      }
      return new Result(process.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
