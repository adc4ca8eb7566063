/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.validation.FineTuneJobValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example manifest parses into the API types (unknown fields rejected) and is valid. */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("../deploy/examples");

  /** 16 and 16.0 are the same number in YAML. */
  static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) ->
          a.isNumber() && b.isNumber()
              ? Double.compare(a.doubleValue(), b.doubleValue())
              : a.equals(b) ? 0 : 1;

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void thereAreExamples() throws IOException {
    assertThat(examples()).hasSizeGreaterThanOrEqualTo(5);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleParsesStrictlyAndValidates(Path file) throws IOException {
    JsonNode tree = TestJobs.STRICT_YAML.readTree(file.toFile());
    assertThat(iterable(tree.fieldNames()))
        .as("top-level fields of %s", file)
        .isSubsetOf(Set.of("apiVersion", "kind", "metadata", "spec"));
    assertThat(tree.path("apiVersion").asText()).isEqualTo(FineTuneJob.API_VERSION);
    assertThat(tree.path("kind").asText()).isEqualTo(FineTuneJob.KIND);

    FineTuneJob job = TestJobs.fromFile(file);
    assertThat(new FineTuneJobValidator().validate(job)).as("validation of %s", file).isEmpty();
    // Round trip: nothing in the file is silently dropped by the API types.
    JsonNode back = TestJobs.STRICT_YAML.readTree(TestJobs.STRICT_YAML.writeValueAsString(job));
    assertThat(back.path("spec").equals(NUMBERS_BY_VALUE, tree.path("spec")))
        .as(
            "spec of %s after a round trip:%n%s%nvs%n%s",
            file, back.path("spec"), tree.path("spec"))
        .isTrue();
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> list = new java.util.ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }
}
