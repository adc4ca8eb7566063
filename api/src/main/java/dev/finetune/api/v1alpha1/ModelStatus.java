/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The model as the prepare step staged it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelStatus {
  @JsonPropertyDescription("config.json's model_type, e.g. llama.")
  private String architecture;

  @JsonPropertyDescription(
      "The Hub commit an hf:// source resolved to; the trainer trains exactly this revision.")
  private String revision;

  @JsonPropertyDescription("Parameters of the model.")
  private Long parameters;

  @JsonPropertyDescription("Parameters the optimizer updates: all, or the LoRA adapter's.")
  private Long trainableParameters;

  @JsonPropertyDescription(
      "Estimated training memory per device (weights, gradients, optimizer state, activations"
          + " at batchSize x maxLength), e.g. 14.2Gi: for sizing resources, not a measurement.")
  private String estimatedTrainingMemory;

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelStatus m
        && Objects.equals(architecture, m.architecture)
        && Objects.equals(revision, m.revision)
        && Objects.equals(parameters, m.parameters)
        && Objects.equals(trainableParameters, m.trainableParameters)
        && Objects.equals(estimatedTrainingMemory, m.estimatedTrainingMemory);
  }

  @Override
  public int hashCode() {
    return Objects.hash(architecture, revision, parameters);
  }

  public String getArchitecture() {
    return architecture;
  }

  public void setArchitecture(String architecture) {
    this.architecture = architecture;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public Long getParameters() {
    return parameters;
  }

  public void setParameters(Long parameters) {
    this.parameters = parameters;
  }

  public Long getTrainableParameters() {
    return trainableParameters;
  }

  public void setTrainableParameters(Long trainableParameters) {
    this.trainableParameters = trainableParameters;
  }

  public String getEstimatedTrainingMemory() {
    return estimatedTrainingMemory;
  }

  public void setEstimatedTrainingMemory(String estimatedTrainingMemory) {
    this.estimatedTrainingMemory = estimatedTrainingMemory;
  }
}
