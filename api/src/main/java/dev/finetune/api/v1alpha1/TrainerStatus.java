/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What the trainer runs on, as its device check found it before the model loaded. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainerStatus {
  @JsonPropertyDescription(
      "The devices it trains on, e.g. \"1 × NVIDIA H100 80GB HBM3\" or \"CPU (8 cores)\".")
  private String devices;

  @JsonPropertyDescription(
      "The engine and the flavour of its natives, e.g. \"PyTorch 2.7.1 (cu128), DJL 0.36.0\".")
  private String engine;

  @JsonPropertyDescription(
      "The memory of those devices, e.g. \"79.1 GiB per GPU\", or the pod's memory on the CPU.")
  private String memory;

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainerStatus t
        && Objects.equals(devices, t.devices)
        && Objects.equals(engine, t.engine)
        && Objects.equals(memory, t.memory);
  }

  @Override
  public int hashCode() {
    return Objects.hash(devices, engine, memory);
  }

  public String getDevices() {
    return devices;
  }

  public void setDevices(String devices) {
    this.devices = devices;
  }

  public String getEngine() {
    return engine;
  }

  public void setEngine(String engine) {
    this.engine = engine;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }
}
