/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.finetune.api.v1alpha1.FineTuneJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** FineTuneJobs for tests, from YAML, read strictly (an unknown field fails). */
public final class TestJobs {
  public static final ObjectMapper STRICT_YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static final String MINIMAL =
      """
      apiVersion: finetune.dev/v1alpha1
      kind: FineTuneJob
      metadata: {name: demo, namespace: team-a, uid: 0a1b2c3d-0000-0000-0000-000000000001, generation: 1}
      spec:
        model: {source: hf://openai-community/gpt2}
        dataset:
          train: {source: pvc://datasets/train.jsonl}
          format: text
      """;

  private TestJobs() {}

  public static FineTuneJob fromYaml(String yaml) {
    try {
      return STRICT_YAML.readValue(yaml, FineTuneJob.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static FineTuneJob fromFile(Path file) {
    try {
      return fromYaml(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The minimal job with extra spec lines appended (indented two spaces under spec). */
  public static FineTuneJob minimalWith(String specYaml) {
    return fromYaml(MINIMAL + specYaml.indent(2));
  }

  public static FineTuneJob minimal() {
    return fromYaml(MINIMAL);
  }
}
