/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the prepare step found, before any GPU is allocated: its termination message (at most 4 KiB)
 * and, with every detail, {@code prepare-report.json} in the output folder.
 *
 * @param status Succeeded or Failed
 * @param reason on failure: ConfigError, ModelUnsupported, DataError or InsufficientStorage
 * @param error on failure: what is wrong, naming the file, field or line
 * @param model the model as staged, or null when it could not be read
 * @param dataset the data as built with the model's tokenizer, or null
 * @param totalSteps optimizer steps the run will take
 * @param storage the space the run needs on its volumes against what they have free
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrepareResult(
    String status,
    String reason,
    String error,
    Model model,
    Dataset dataset,
    Long totalSteps,
    List<Storage> storage) {

  /** The reasons a prepare step fails with. */
  public static final String CONFIG_ERROR = "ConfigError";

  public static final String MODEL_UNSUPPORTED = "ModelUnsupported";
  public static final String DATA_ERROR = "DataError";
  public static final String INSUFFICIENT_STORAGE = "InsufficientStorage";

  /**
   * @param source the model source as given
   * @param revision the Hub commit the source resolved to (hf:// only)
   * @param architecture config.json's model_type
   * @param parameters parameters of the model
   * @param trainableParameters parameters the optimizer updates (all, or the LoRA adapter's)
   * @param estimatedTrainingMemoryBytes weights, gradients, optimizer state and activations at
   *     batchSize × maxLength: an estimate for sizing resources, not a measurement
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Model(
      String source,
      String revision,
      String architecture,
      long parameters,
      long trainableParameters,
      long estimatedTrainingMemoryBytes) {}

  /**
   * @param trainExamples examples that train (after the validation split)
   * @param validationExamples held-out or validation-file examples
   * @param tokens tokens of the training examples after truncation
   * @param truncated training examples maxLength cut
   * @param skippedLines bad lines skipped (skipInvalidLines)
   * @param sequences packed sequences, with packing
   * @param files every data file with its digest
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Dataset(
      long trainExamples,
      long validationExamples,
      long tokens,
      long truncated,
      long skippedLines,
      Long sequences,
      List<DataFile> files) {}

  /**
   * @param source as given
   * @param revision the Hub commit (hf:// only)
   * @param sha256 of the file's bytes
   * @param bytes the file's size
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DataFile(String source, String revision, String sha256, long bytes) {}

  /**
   * @param path a folder the run writes to
   * @param holds what goes there (checkpoints, the output)
   * @param neededBytes what the run writes there at most
   * @param freeBytes what the volume had free when prepare checked
   */
  public record Storage(String path, String holds, long neededBytes, long freeBytes) {}
}
