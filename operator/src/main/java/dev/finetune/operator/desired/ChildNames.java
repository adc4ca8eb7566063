/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.v1alpha1.FineTuneJob;

/** Names of the objects the operator creates for a FineTuneJob. */
public final class ChildNames {
  /** Suffix of the trainer Job; a Job name must fit a 63-character label value. */
  public static final String JOB_SUFFIX = "-trainer";

  /** Longest FineTuneJob name whose children all have valid names. */
  public static final int MAX_JOB_NAME_LENGTH = 63 - JOB_SUFFIX.length();

  private ChildNames() {}

  public static String trainerJob(FineTuneJob job) {
    return job.getMetadata().getName() + JOB_SUFFIX;
  }

  /** The prepare Job: as long as the trainer's ({@code -prepare} has the length of -trainer). */
  public static String prepareJob(FineTuneJob job) {
    return job.getMetadata().getName() + "-prepare";
  }

  /** The publish Job: as long as the trainer's ({@code -publish} is one character shorter). */
  public static String publishJob(FineTuneJob job) {
    return job.getMetadata().getName() + "-publish";
  }

  public static String trainerConfigMap(FineTuneJob job) {
    return job.getMetadata().getName() + "-trainer-config";
  }

  public static String workspaceClaim(FineTuneJob job) {
    return job.getMetadata().getName() + "-workspace";
  }
}
