/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.source.HubLocation;
import dev.finetune.trainer.source.SourceSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run reads: the model, an adapter to apply to it, the training and validation data, and how
 * the data becomes examples.
 *
 * @param model the model source: a folder, {@code hf://org/name[@rev]}, https:// or preset://
 * @param adapter a PEFT adapter to apply before full fine-tuning, or null
 * @param data the training data source
 * @param evalData the validation data source, or null
 * @param evalMaxLength tokens per validation example, or null for {@code maxLength}
 * @param packing pack the training examples into sequences of maxLength tokens
 * @param validationSplit the fraction of the training data held out for validation, or null
 * @param skipInvalidLines skip bad lines (reported) instead of stopping
 * @param dataDigests the SHA-256 each data source must have (what the prepare step read), by source
 */
public record InputOptions(
    String model,
    Path adapter,
    String data,
    DataFormat format,
    int maxLength,
    String evalData,
    Integer evalMaxLength,
    boolean packing,
    Double validationSplit,
    boolean skipInvalidLines,
    SourceSettings sources,
    Map<String, String> dataDigests) {

  public static Builder builder() {
    return new Builder();
  }

  /** Whether validation data is given, as a file or as a split of the training data. */
  public boolean hasValidation() {
    return evalData != null || validationSplit != null;
  }

  /** What adapter_config.json names as the base model: the Hub id, or the source as given. */
  public String baseModelName() {
    return model.startsWith("hf://") ? HubLocation.parse(model).repo() : model;
  }

  /** {@code setX} for what every run needs, {@code optX} for what has a default. */
  public static final class Builder {
    private String model;
    private Path adapter;
    private String data;
    private DataFormat format;
    private int maxLength = TrainingDefaults.MAX_LENGTH;
    private String evalData;
    private Integer evalMaxLength;
    private boolean packing;
    private Double validationSplit;
    private boolean skipInvalidLines;
    private SourceSettings sources = SourceSettings.fromEnvironment();
    private Path hubTokenFile;
    private Map<String, String> dataDigests = Map.of();

    private Builder() {}

    public Builder setModel(String model) {
      this.model = model;
      return this;
    }

    public Builder setData(String data) {
      this.data = data;
      return this;
    }

    public Builder setFormat(DataFormat format) {
      this.format = format;
      return this;
    }

    public Builder optAdapter(Path adapter) {
      this.adapter = adapter;
      return this;
    }

    public Builder optMaxLength(int maxLength) {
      this.maxLength = maxLength;
      return this;
    }

    public Builder optEvalData(String evalData) {
      this.evalData = evalData;
      return this;
    }

    public Builder optEvalMaxLength(int evalMaxLength) {
      this.evalMaxLength = evalMaxLength;
      return this;
    }

    public Builder optPacking(boolean packing) {
      this.packing = packing;
      return this;
    }

    public Builder optValidationSplit(double fraction) {
      this.validationSplit = fraction;
      return this;
    }

    public Builder optSkipInvalidLines(boolean skip) {
      this.skipInvalidLines = skip;
      return this;
    }

    public Builder optSources(SourceSettings sources) {
      this.sources = sources;
      return this;
    }

    /** The Hub token's file; it wins over the one in {@link #optSources}. */
    public Builder optHubTokenFile(Path file) {
      this.hubTokenFile = file;
      return this;
    }

    /** Data sources must have these SHA-256 digests (what the prepare step read). */
    public Builder optDataDigests(Map<String, String> digests) {
      this.dataDigests = Map.copyOf(digests);
      return this;
    }

    public String model() {
      return model;
    }

    public String data() {
      return data;
    }

    public String evalData() {
      return evalData;
    }

    InputOptions build(OptionNames names) {
      TrainRequest.required(model, "--model", names);
      TrainRequest.required(data, "--data", names);
      TrainRequest.required(format, "--format", names);
      if (evalData != null && validationSplit != null) {
        throw TrainerException.config(
            "give either "
                + names.of("--eval-data")
                + " or "
                + names.of("--validation-split")
                + ", not both");
      }
      return new InputOptions(
          model,
          adapter,
          data,
          format,
          maxLength,
          evalData,
          evalMaxLength,
          packing,
          validationSplit,
          skipInvalidLines,
          hubTokenFile != null ? sources.withTokenFile(hubTokenFile) : sources,
          dataDigests);
    }
  }
}
