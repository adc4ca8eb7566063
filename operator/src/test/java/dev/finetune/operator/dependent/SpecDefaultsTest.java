/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The defaults the CRD documents are the defaults the operator applies. */
class SpecDefaultsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          dataset/properties/maxLength                    | Default: 1024
          method/properties/type                          | Default: full
          method/properties/lora/properties/rank          | Default: 8
          method/properties/lora/properties/alpha         | Default: 16
          hyperparameters/properties/batchSize            | Default: 8
          hyperparameters/properties/gradientAccumulationSteps | Default: 1
          hyperparameters/properties/learningRate         | Default: 2e-5 (full), 2e-4 (lora)
          hyperparameters/properties/scheduler            | Default: linear
          hyperparameters/properties/maxGradNorm          | Default: 1.0
          hyperparameters/properties/seed                 | Default: 42
          checkpoints/properties/everySteps               | Default: 500
          checkpoints/properties/keepLast                 | Default: 3
          checkpoints/properties/storage/properties/size  | Default: 20Gi
          resources/properties/gpus                       | Default: 1
          runPolicy/properties/backoffLimit               | Default: 3
          """)
  void crdDescriptionStatesTheAppliedDefault(String field, String documented) throws IOException {
    JsonNode spec =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("../crds/finetunejobs.finetune.dev-v1.yml").toFile())
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    assertThat(spec.at("/" + field + "/description").asText()).contains(documented);
  }

  @org.junit.jupiter.api.Test
  void appliedDefaultsMatchTheDocumentedOnes() {
    assertThat(SpecDefaults.MAX_LENGTH).isEqualTo(1024);
    assertThat(SpecDefaults.METHOD.name()).isEqualTo("FULL");
    assertThat(SpecDefaults.LORA_RANK).isEqualTo(8);
    assertThat(SpecDefaults.LORA_ALPHA).isEqualTo(16.0);
    assertThat(SpecDefaults.BATCH_SIZE).isEqualTo(8);
    assertThat(SpecDefaults.GRADIENT_ACCUMULATION_STEPS).isEqualTo(1);
    assertThat(SpecDefaults.LEARNING_RATE_FULL).isEqualTo(2e-5);
    assertThat(SpecDefaults.LEARNING_RATE_LORA).isEqualTo(2e-4);
    assertThat(SpecDefaults.SCHEDULER.name()).isEqualTo("LINEAR");
    assertThat(SpecDefaults.MAX_GRAD_NORM).isEqualTo(1.0);
    assertThat(SpecDefaults.SEED).isEqualTo(42L);
    assertThat(SpecDefaults.CHECKPOINT_EVERY_STEPS).isEqualTo(500L);
    assertThat(SpecDefaults.CHECKPOINT_KEEP_LAST).isEqualTo(3);
    assertThat(SpecDefaults.STORAGE_SIZE).isEqualTo("20Gi");
    assertThat(SpecDefaults.GPUS).isEqualTo(1);
    assertThat(SpecDefaults.BACKOFF_LIMIT).isEqualTo(3);
  }
}
