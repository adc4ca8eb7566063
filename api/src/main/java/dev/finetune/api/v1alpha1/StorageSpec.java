/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The volume for checkpoints (and, unless output names another claim, the final model): a new claim
 * the operator creates, or an existing one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.existingClaim) && (has(self.size) || has(self.storageClassName)))",
    message = "checkpoints.storage.existingClaim cannot be combined with size or storageClassName")
public class StorageSpec {
  @Size(max = 64)
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  @Accepted("a number of bytes with an optional unit Ki, Mi, Gi, Ti (or k, M, G, T) (e.g. 100Gi)")
  @JsonPropertyDescription("Size of the claim the operator creates. Default: 20Gi.")
  private String size;

  @Size(max = 253)
  @JsonPropertyDescription(
      "StorageClass of the claim the operator creates. Default: the cluster's default class.")
  private String storageClassName;

  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Accepted(
      "a PersistentVolumeClaim name: lower-case letters, digits, '-' and '.', starting and ending"
          + " with a letter or digit (e.g. checkpoints)")
  @JsonPropertyDescription(
      "Use this existing claim (in the job's namespace) instead of creating one. The operator"
          + " never deletes it.")
  private String existingClaim;

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public String getExistingClaim() {
    return existingClaim;
  }

  public void setExistingClaim(String existingClaim) {
    this.existingClaim = existingClaim;
  }
}
