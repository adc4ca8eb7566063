/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

/** The trainer the reactor built (its jar with lib/ beside it), run as local mode runs it. */
public final class TrainerJar {
  private TrainerJar() {}

  /** {@code java … -jar finetune-trainer.jar}: the command a local pod's arguments follow. */
  public static List<String> command() {
    Path jar = Path.of("..", "trainer-image", "target", "finetune-trainer.jar").toAbsolutePath();
    assertThat(jar).as("the trainer module is built before this one").exists();
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g",
        "-Dai.djl.offline=true",
        "-jar",
        jar.normalize().toString());
  }
}
