/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CRD committed in crds/ must be exactly what the code generates. */
class CrdDriftTest {
  static final String CRD_FILE = "finetunejobs.finetune.dev-v1.yml";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"../crds", "../helm/finetune-operator/crds"})
  void committedCrdMatchesGeneratedCrd(String folder) throws IOException {
    Path generated = Path.of("target/classes/META-INF/fabric8", CRD_FILE);
    Path committed = Path.of(folder, CRD_FILE);
    assertThat(generated).as("the CRD generator ran at process-classes").exists();
    assertThat(committed).as("crds/%s is committed", CRD_FILE).exists();
    assertThat(Files.readString(committed))
        .as(
            "%s/%s differs from the CRD generated from the api classes; regenerate it with"
                + " ./mvnw -Pupdate-crds -pl api process-classes and commit it",
            folder, CRD_FILE)
        .isEqualTo(Files.readString(generated));
  }
}
