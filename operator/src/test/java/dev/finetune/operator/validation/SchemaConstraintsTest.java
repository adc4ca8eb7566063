/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.Accepted;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.UserTerms;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaConstraintsTest {
  @Test
  void everyPatternSaysInWordsWhatItAccepts() {
    List<Field> fields = UserTerms.patternFields();
    assertThat(fields).hasSizeGreaterThanOrEqualTo(11);
    assertThat(fields)
        .allSatisfy(
            f ->
                assertThat(f.getAnnotation(Accepted.class))
                    .as("@Accepted on %s", f)
                    .isNotNull()
                    .satisfies(a -> assertThat(UserTerms.violations(a.value())).isEmpty()));
  }

  /** A refusal says what is accepted, with an example, and never shows the pattern. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          model: {source: s3://bucket/model} | spec.model.source is not valid: "s3://bucket/model"; write it as hf://org/name[@revision], pvc://claim/path, https://..., preset://name or oci://registry/repository[:tag|@sha256:digest] (e.g.
          output: {source: hf://org/model}   | spec.output.source is not valid: "hf://org/model"; write it as pvc://claim/path,
          output: {publish: {to: oci://Registry/Models/Bot}} | spec.output.publish.to is not valid: "oci://Registry/Models/Bot"; write it as oci://registry[:port]/repository[:tag], the repository lower-case
          output: {publish: {to: oci://r:5000/m@sha256:0123}} | spec.output.publish.to is not valid: "oci://r:5000/m@sha256:0123"; write it as oci://registry[:port]/repository[:tag]
          resources: {cpu: lots}             | spec.resources.cpu is not valid: "lots"; write it as a number of cores
          queueName: Team_A                  | spec.queueName is not valid: "Team_A"; write it as a LocalQueue name
          """)
  void refusalSaysWhatIsAccepted(String fragment, String expectedStart) {
    String base = TestJobs.MINIMAL;
    if (fragment.startsWith("model:")) {
      base = base.replace("  model: {source: hf://openai-community/gpt2}\n", "");
    }
    FineTuneJob job = TestJobs.fromYaml(base + fragment.indent(2));
    List<String> errors = SchemaConstraints.check(job.getSpec(), "spec");
    assertThat(errors).singleElement().asString().startsWith(expectedStart);
    assertThat(UserTerms.violations(errors.get(0))).isEmpty();
  }
}
