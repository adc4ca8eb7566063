/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.finetune.api.v1alpha1.PublishSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The default each CRD field description states is the default the operator applies. */
class SpecDefaultsTest {
  static Stream<Arguments> defaults() {
    return Stream.of(
        Arguments.of("dataset/properties/maxLength", SpecDefaults.MAX_LENGTH),
        Arguments.of("method/properties/type", lower(SpecDefaults.METHOD)),
        Arguments.of("method/properties/objective", lower(SpecDefaults.OBJECTIVE)),
        Arguments.of("method/properties/dpo/properties/beta", SpecDefaults.DPO_BETA),
        Arguments.of("method/properties/dpo/properties/loss", lower(SpecDefaults.DPO_LOSS)),
        Arguments.of(
            "method/properties/dpo/properties/labelSmoothing",
            (int) SpecDefaults.DPO_LABEL_SMOOTHING),
        Arguments.of("method/properties/lora/properties/rank", SpecDefaults.LORA_RANK),
        Arguments.of("method/properties/lora/properties/alpha", (int) SpecDefaults.LORA_ALPHA),
        Arguments.of("hyperparameters/properties/batchSize", SpecDefaults.BATCH_SIZE),
        Arguments.of(
            "hyperparameters/properties/gradientAccumulationSteps",
            SpecDefaults.GRADIENT_ACCUMULATION_STEPS),
        Arguments.of(
            "hyperparameters/properties/learningRate",
            plain(SpecDefaults.LEARNING_RATE_FULL)
                + " (full), "
                + plain(SpecDefaults.LEARNING_RATE_LORA)
                + " (lora)"),
        Arguments.of("hyperparameters/properties/scheduler", lower(SpecDefaults.SCHEDULER)),
        Arguments.of("hyperparameters/properties/maxGradNorm", SpecDefaults.MAX_GRAD_NORM),
        Arguments.of("hyperparameters/properties/seed", SpecDefaults.SEED),
        Arguments.of("checkpoints/properties/everySteps", SpecDefaults.CHECKPOINT_EVERY_STEPS),
        Arguments.of("checkpoints/properties/keepLast", SpecDefaults.CHECKPOINT_KEEP_LAST),
        Arguments.of("checkpoints/properties/storage/properties/size", SpecDefaults.STORAGE_SIZE),
        Arguments.of("resources/properties/gpus", SpecDefaults.GPUS),
        Arguments.of("runPolicy/properties/backoffLimit", SpecDefaults.BACKOFF_LIMIT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaults")
  void crdDescriptionStatesTheAppliedDefault(String field, Object applied) throws IOException {
    JsonNode spec =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("../crds/finetunejobs.finetune.dev-v1.yml").toFile())
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");
    assertThat(spec.at("/" + field + "/description").asText()).contains("Default: " + applied);
  }

  private static String plain(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** The publish tag defaults to the job's name; a tag given is kept; a port is not a tag. */
  @ParameterizedTest
  @CsvSource({
    "oci://registry.example/models/bot, oci://registry.example/models/bot:demo",
    "oci://registry.example:5000/models/bot, oci://registry.example:5000/models/bot:demo",
    "oci://registry.example:5000/models/bot:v3, oci://registry.example:5000/models/bot:v3",
    "oci://127.0.0.1:5000/bot:v3, oci://127.0.0.1:5000/bot:v3"
  })
  void publishTargetIsTaggedWithTheJobsNameUnlessTagged(String to, String target) {
    PublishSpec publish = new PublishSpec();
    publish.setTo(to);
    assertThat(SpecDefaults.publishTarget(publish, "demo")).isEqualTo(target);
  }
}
