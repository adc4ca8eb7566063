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

/** A whole Secret in the FineTuneJob's namespace, by name (its type says which key is read). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretNameRef {
  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Accepted(
      "a Secret name: lower-case letters, digits, '-' and '.', starting and ending with a letter"
          + " or digit (e.g. registry-push)")
  @JsonPropertyDescription("Name of the Secret.")
  private String name;

  public SecretNameRef() {}

  public SecretNameRef(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
