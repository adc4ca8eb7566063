/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One step of the run, in the order the operator runs them: prepare, then trainer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepStatus {
  @JsonPropertyDescription("The step: prepare, trainer or publish (its Job's component label).")
  private String name;

  @JsonPropertyDescription("Name of the step's Job.")
  private String job;

  @JsonPropertyDescription(
      "Active, Succeeded or Failed. A Succeeded step is not run again, even when its Job is gone.")
  private StepState state;

  @JsonPropertyDescription("Why the step failed (CamelCase), when it did.")
  private String reason;

  @JsonPropertyDescription("When the operator first saw the step's Job (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When the operator saw the step's Job finish (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription(
      "How many of the step's Jobs failed. The publish step retries a failed push with a new Job"
          + " after a back-off that doubles with each failure.")
  private Integer failures;

  public Integer getFailures() {
    return failures;
  }

  public void setFailures(Integer failures) {
    this.failures = failures;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepStatus s
        && Objects.equals(name, s.name)
        && Objects.equals(job, s.job)
        && state == s.state
        && Objects.equals(reason, s.reason)
        && Objects.equals(startTime, s.startTime)
        && Objects.equals(completionTime, s.completionTime)
        && Objects.equals(failures, s.failures);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, job, state);
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getJob() {
    return job;
  }

  public void setJob(String job) {
    this.job = job;
  }

  public StepState getState() {
    return state;
  }

  public void setState(StepState state) {
    this.state = state;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }
}
