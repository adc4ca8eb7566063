/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where the trained model or adapter goes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputSpec {
  @Size(max = 2048)
  @Pattern(Sources.PVC_PATTERN)
  @Accepted(Sources.PVC_ACCEPTED)
  @JsonPropertyDescription(
      "pvc://claim/path for the final model (or adapter). Default: output/ on the checkpoint"
          + " volume.")
  private String source;

  @JsonPropertyDescription(
      "Retain (default) keeps the volume the operator created when this FineTuneJob is deleted;"
          + " Delete removes it with the job. Claims you name yourself are never deleted.")
  private RetainPolicy retainPolicy;

  @JsonPropertyDescription(
      "Push the trained model to an OCI registry after training (a CPU Job; the GPU is released"
          + " first). Phase Publishing, condition Published, status.result.artifact.")
  private PublishSpec publish;

  public PublishSpec getPublish() {
    return publish;
  }

  public void setPublish(PublishSpec publish) {
    this.publish = publish;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public RetainPolicy getRetainPolicy() {
    return retainPolicy;
  }

  public void setRetainPolicy(RetainPolicy retainPolicy) {
    this.retainPolicy = retainPolicy;
  }
}
