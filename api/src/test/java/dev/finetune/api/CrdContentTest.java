/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.finetune.api.v1alpha1.Sources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What users see of the CRD: names, printer columns, the status subresource, validation. */
class CrdContentTest {
  static JsonNode crd;

  @BeforeAll
  static void load() throws IOException {
    crd =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("../crds", CrdDriftTest.CRD_FILE).toFile());
  }

  @Test
  void namesScopeAndVersion() {
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("finetunejobs.finetune.dev");
    assertThat(crd.at("/spec/group").asText()).isEqualTo("finetune.dev");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("FineTuneJob");
    assertThat(texts(crd.at("/spec/names/shortNames"))).containsExactly("ftj");
    assertThat(texts(crd.at("/spec/names/categories"))).contains("finetune");
    assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1alpha1");
    assertThat(crd.at("/spec/versions/0/subresources/status").isObject()).isTrue();
  }

  @Test
  void printerColumnsShowPhaseProgressLossEtaAndAge() {
    List<String> columns = new ArrayList<>();
    crd.at("/spec/versions/0/additionalPrinterColumns")
        .forEach(c -> columns.add(c.get("name").asText() + "=" + c.get("jsonPath").asText()));
    assertThat(columns)
        .contains(
            "Phase=.status.phase",
            "Progress=.status.progress.percent",
            "Step=.status.progress.step",
            "Loss=.status.progress.loss",
            "ETA=.status.progress.eta",
            "Age=.metadata.creationTimestamp");
    List<String> wide = new ArrayList<>();
    crd.at("/spec/versions/0/additionalPrinterColumns")
        .forEach(
            c -> {
              if (c.path("priority").asInt() == 1) {
                wide.add(c.get("name").asText() + "=" + c.get("jsonPath").asText());
              }
            });
    assertThat(wide)
        .as("-o wide adds what the run is: model, method, objective")
        .contains(
            "Model=.spec.model.source",
            "Method=.spec.method.type",
            "Objective=.spec.method.objective");
  }

  @Test
  void requiredFieldsEnumsBoundsAndPatterns() {
    JsonNode spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    assertThat(texts(spec.get("required"))).containsExactlyInAnyOrder("model", "dataset");
    assertThat(texts(spec.at("/properties/dataset/required")))
        .containsExactlyInAnyOrder("train", "format");
    assertThat(texts(spec.at("/properties/dataset/properties/format/enum")))
        .containsExactlyInAnyOrder("text", "promptCompletion", "chat", "preference");
    assertThat(texts(spec.at("/properties/method/properties/type/enum")))
        .containsExactlyInAnyOrder("full", "lora");
    assertThat(texts(spec.at("/properties/method/properties/objective/enum")))
        .containsExactlyInAnyOrder("sft", "dpo");
    assertThat(texts(spec.at("/properties/method/properties/dpo/properties/loss/enum")))
        .containsExactlyInAnyOrder("sigmoid", "ipo", "hinge", "robust");
    assertThat(spec.at("/properties/model/properties/source/pattern").asText())
        .isEqualTo(Sources.MODEL_PATTERN);
    assertThat(spec.at("/properties/dataset/properties/train/properties/source/pattern").asText())
        .isEqualTo(Sources.INPUT_PATTERN);
    assertThat("preset://tiny-gpt2-bytes").matches(Sources.MODEL_PATTERN);
    assertThat("preset://tiny-gpt2-bytes").doesNotMatch(Sources.INPUT_PATTERN);
    assertThat(spec.at("/properties/output/properties/source/pattern").asText())
        .isEqualTo(Sources.PVC_PATTERN);
    assertThat(spec.at("/properties/resources/properties/gpus/maximum").asDouble()).isEqualTo(16);
    assertThat(
            spec.at("/properties/hyperparameters/properties/learningRate/exclusiveMinimum")
                .asBoolean())
        .isTrue();
    assertThat(spec.at("/properties/model/properties/source/description").asText())
        .as("every field is documented")
        .isNotBlank();
  }

  @Test
  void everySpecFieldHasADescription() {
    List<String> undocumented = new ArrayList<>();
    walk(crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"), "spec", undocumented);
    walk(
        crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/status"),
        "status",
        undocumented);
    assertThat(undocumented).isEmpty();
  }

  /** Our own fields must be described; fabric8's embedded Kubernetes types are left alone. */
  private static void walk(JsonNode schema, String path, List<String> undocumented) {
    if (path.contains(".tolerations")
        || path.contains(".affinity")
        || path.contains(".conditions")) {
      return;
    }
    schema
        .path("properties")
        .properties()
        .forEach(
            e -> {
              String child = path + "." + e.getKey();
              if (e.getValue().path("description").asText().isBlank()) {
                undocumented.add(child);
              }
              walk(e.getValue(), child, undocumented);
              walk(e.getValue().path("items"), child + "[]", undocumented);
            });
  }

  private static List<String> texts(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
