/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One checkpoint written by the trainer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointStatus {
  @JsonPropertyDescription("Optimizer step of the checkpoint.")
  private Long step;

  @JsonPropertyDescription("Path of the checkpoint on its volume.")
  private String path;

  @JsonPropertyDescription("Training loss at that step.")
  private Double loss;

  @JsonPropertyDescription("Validation loss at that step, when scored.")
  private Double evalLoss;

  @JsonPropertyDescription("When it was written (RFC 3339).")
  private String time;

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckpointStatus c
        && Objects.equals(step, c.step)
        && Objects.equals(path, c.path)
        && Objects.equals(loss, c.loss)
        && Objects.equals(evalLoss, c.evalLoss)
        && Objects.equals(time, c.time);
  }

  @Override
  public int hashCode() {
    return Objects.hash(step, path);
  }

  public Long getStep() {
    return step;
  }

  public void setStep(Long step) {
    this.step = step;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Double getLoss() {
    return loss;
  }

  public void setLoss(Double loss) {
    this.loss = loss;
  }

  public Double getEvalLoss() {
    return evalLoss;
  }

  public void setEvalLoss(Double evalLoss) {
    this.evalLoss = evalLoss;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }
}
