/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Checkpointing: how often, how many kept, where. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointSpec {
  @Min(1)
  @JsonPropertyDescription("Write a checkpoint every this many optimizer steps. Default: 500.")
  private Long everySteps;

  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Keep the newest this many checkpoints. Default: 3.")
  private Integer keepLast;

  @JsonPropertyDescription("The volume for checkpoints. Default: a new 20Gi claim.")
  private StorageSpec storage;

  public Long getEverySteps() {
    return everySteps;
  }

  public void setEverySteps(Long everySteps) {
    this.everySteps = everySteps;
  }

  public Integer getKeepLast() {
    return keepLast;
  }

  public void setKeepLast(Integer keepLast) {
    this.keepLast = keepLast;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }
}
