/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared fixtures (tiny models, data, reference numbers). The folder comes from the system
 * property {@code finetune.fixtures} (the build points it at ../shared/fixtures). Outside CI a
 * missing folder skips the fixture tests with a message; in CI ({@code CI=true}) it fails them.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    String configured = System.getProperty("finetune.fixtures", "../../shared/fixtures");
    Path root = Path.of(configured).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("models"))) {
      String message = "shared fixtures not found at " + root + " (set -Dfinetune.fixtures=...)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message);
      }
      assumeTrue(false, message);
    }
    return root;
  }

  public static Path model(String name) {
    return root().resolve("models").resolve(name);
  }

  public static Path data(String name) {
    return root().resolve("data").resolve(name);
  }

  public static Path adapter(String name) {
    return root().resolve("adapters").resolve(name);
  }

  public static JsonNode expected(String name) {
    try {
      return new ObjectMapper()
          .readTree(root().resolve("expected").resolve(name + ".json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
