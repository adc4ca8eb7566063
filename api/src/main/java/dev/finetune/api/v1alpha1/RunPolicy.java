/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Retries, deadlines, clean-up and suspension. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunPolicy {
  @JsonPropertyDescription(
      "Suspend the run: the trainer is stopped (it checkpoints on SIGTERM) and resumes from the"
          + " latest checkpoint when set back to false. The only field that may change.")
  private Boolean suspend;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Trainer crashes retried before the job fails. Evictions and preemptions are not counted;"
          + " configuration and data errors are never retried. Default: 3.")
  private Integer backoffLimit;

  @Min(1)
  @JsonPropertyDescription("Fail the run when it has been active this long (seconds).")
  private Long activeDeadlineSeconds;

  @Min(0)
  @JsonPropertyDescription(
      "Delete the finished trainer Job and its pods this long after the end (seconds). The"
          + " FineTuneJob, its status and the trained model stay.")
  private Integer ttlSecondsAfterFinished;

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }

  public Long getActiveDeadlineSeconds() {
    return activeDeadlineSeconds;
  }

  public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }

  public Integer getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }
}
