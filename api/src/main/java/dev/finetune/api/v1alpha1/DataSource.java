/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One JSONL file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataSource {
  @Required
  @Size(max = 2048)
  @Pattern(Sources.INPUT_PATTERN)
  @Accepted(Sources.INPUT_ACCEPTED)
  @JsonPropertyDescription(
      "Where the JSONL file is: pvc://claim/path/file.jsonl, hf://datasets/org/name/file.jsonl or"
          + " https://...")
  private String source;

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }
}
