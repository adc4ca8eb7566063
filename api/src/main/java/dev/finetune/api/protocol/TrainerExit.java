/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one table of the trainer's failure exit codes (sysexits.h numbers): for each, the reason the
 * operator reports, whether the Job runs the pod again, what it means and what to tell the user.
 * Everything else is derived from it: the pod failure policy of every Job (FailJob on each code
 * that is not retried), the reasons the operator's interpreters give, and the exit-code table in
 * the README ({@code TrainerExitTableTest} fails when that table and this one differ). An exit code
 * not listed here (a crash, an OOM kill) is retried within {@code backoffLimit}. Adding a code is
 * one line here; the trainer exits with {@code X.code()}.
 */
public enum TrainerExit {
  // code, reason, reason of the prepare step where it differs, retried, what it means (it follows
  // "the trainer ..." in the status message), what the user can do
  DATA_ERROR(
      65,
      "DataError",
      false,
      "found invalid training data",
      "Fix the line the message names (or the data's format) and create the job again."),
  GPU_UNAVAILABLE(
      69,
      "GpuUnavailable",
      false,
      "sees fewer working GPUs than the pod requested (checked before the model loads)",
      "Read what the engine saw in the message (natives, CUDA libraries, visible devices): fix"
          + " the node's driver or the image's CUDA natives, or set resources.gpus: 0 to train on"
          + " the CPU, and create the job again."),
  // 71, 72 and 74 are this project's own: sysexits.h has no code for memory.
  INSUFFICIENT_GPU_MEMORY(
      71,
      "InsufficientGpuMemory",
      false,
      "found before the first step that the run does not fit the device's memory",
      "Do what the message says fits: hyperparameters.batchSize auto, a smaller batchSize with a"
          + " larger gradientAccumulationSteps, method lora, dtype float16 or a shorter"
          + " dataset.maxLength; or a GPU with more memory."),
  GPU_OUT_OF_MEMORY(
      72,
      "GpuOutOfMemory",
      false,
      "ran out of GPU memory during training with a fixed batch size",
      "Set hyperparameters.batchSize to auto (the micro-batch then halves on out-of-memory and"
          + " the global batch stays), or a smaller batchSize with a larger"
          + " gradientAccumulationSteps; the same settings would fail the same way."),
  STORAGE_FULL(
      73,
      "StorageFull",
      // Prepare predicts the run will not fit; the trainer found a volume full while writing.
      PrepareResult.INSUFFICIENT_STORAGE,
      false,
      "ran out of space on a volume",
      "Give the volume more room (a larger claim, a smaller checkpoints.keepLast) and create the"
          + " job again: retrying on the same volume cannot help."),
  OUT_OF_MEMORY(
      74,
      "OutOfMemory",
      false,
      "ran out of memory on the CPU during training with a fixed batch size",
      "Set hyperparameters.batchSize to auto, or a smaller batchSize with a larger"
          + " gradientAccumulationSteps, or give the pod more resources.memory."),
  TEMPORARY_FAILURE(
      75,
      null,
      true,
      "could not download a source, after its own retries (no connection, a 5xx or 429 answer)",
      "Nothing: the Job runs the pod again within backoffLimit. When the retries are spent the job"
          + " fails as a crash; check the network and the source's host."),
  // 76 is EX_PROTOCOL: the remote end refused or could not be reached. Not retried by the Job:
  // the operator retries the publish step with its own backoff, so that fixing a Secret is
  // enough and a wrong password does not crash-loop pods.
  PUBLISH_FAILED(
      76,
      "PublishFailed",
      false,
      "could not push the model to the registry (credentials refused, no permission, quota, or"
          + " the registry unreachable; the message has the registry's reason)",
      "Fix what the registry said (the credentials Secret, the repository's permissions or"
          + " quota, the address or output.publish.insecure): the trained model stays on the"
          + " volume and the push is retried without training again."),
  CONFIG_ERROR(
      78,
      "ConfigError",
      false,
      "stopped on a configuration error",
      "Fix what the message names (the spec, a missing or unsupported model, a diverged loss) and"
          + " create the job again.");

  private final int code;
  private final String reason;
  private final String prepareReason;
  private final boolean retried;
  private final String meaning;
  private final String advice;

  TrainerExit(int code, String reason, boolean retried, String meaning, String advice) {
    this(code, reason, reason, retried, meaning, advice);
  }

  TrainerExit(
      int code,
      String reason,
      String prepareReason,
      boolean retried,
      String meaning,
      String advice) {
    this.code = code;
    this.reason = reason;
    this.prepareReason = prepareReason;
    this.retried = retried;
    this.meaning = meaning;
    this.advice = advice;
  }

  /** The row of exit code {@code code}; empty for 0 and for a crash. */
  public static Optional<TrainerExit> of(int code) {
    return Arrays.stream(values()).filter(e -> e.code == code).findFirst();
  }

  /** The codes a retry cannot fix: the pod failure policy fails the Job at once on them. */
  public static List<Integer> permanentCodes() {
    return Arrays.stream(values()).filter(e -> !e.retried).map(TrainerExit::code).toList();
  }

  public int code() {
    return code;
  }

  /**
   * The CamelCase reason of a step that ended with this code; empty when the code has none of its
   * own, so that a Job whose retries are spent fails with the step's crash reason.
   */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** As {@link #reason()}, for the prepare step. */
  public Optional<String> prepareReason() {
    return Optional.ofNullable(prepareReason);
  }

  /** Whether the Job runs the pod again (within backoffLimit) after this code. */
  public boolean retried() {
    return retried;
  }

  /** What the code means, as the status message says it after "the trainer". */
  public String meaning() {
    return meaning;
  }

  /** What the user can do about it. */
  public String advice() {
    return advice;
  }
}
