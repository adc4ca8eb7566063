/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** The data as the prepare step checked and built it with the model's tokenizer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatasetStatus {
  @JsonPropertyDescription("Examples that train (after the validation split).")
  private Long trainExamples;

  @JsonPropertyDescription("Held-out or validation-file examples.")
  private Long validationExamples;

  @JsonPropertyDescription("Tokens of the training examples after truncation.")
  private Long tokens;

  @JsonPropertyDescription("Training examples that maxLength cut.")
  private Long truncated;

  @JsonPropertyDescription("Invalid lines skipped (skipInvalidLines).")
  private Long skippedLines;

  @JsonPropertyDescription("Each data file with the SHA-256 the trainer checks before training.")
  private List<DataFileStatus> files;

  /** One data file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DataFileStatus {
    @JsonPropertyDescription("The source as given in the spec.")
    private String source;

    @JsonPropertyDescription("The Hub commit (hf:// only).")
    private String revision;

    @JsonPropertyDescription("SHA-256 of the file's bytes.")
    private String sha256;

    @Override
    public boolean equals(Object o) {
      return o instanceof DataFileStatus f
          && Objects.equals(source, f.source)
          && Objects.equals(revision, f.revision)
          && Objects.equals(sha256, f.sha256);
    }

    @Override
    public int hashCode() {
      return Objects.hash(source, sha256);
    }

    public String getSource() {
      return source;
    }

    public void setSource(String source) {
      this.source = source;
    }

    public String getRevision() {
      return revision;
    }

    public void setRevision(String revision) {
      this.revision = revision;
    }

    public String getSha256() {
      return sha256;
    }

    public void setSha256(String sha256) {
      this.sha256 = sha256;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatasetStatus d
        && Objects.equals(trainExamples, d.trainExamples)
        && Objects.equals(validationExamples, d.validationExamples)
        && Objects.equals(tokens, d.tokens)
        && Objects.equals(truncated, d.truncated)
        && Objects.equals(skippedLines, d.skippedLines)
        && Objects.equals(files, d.files);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trainExamples, tokens);
  }

  public Long getTrainExamples() {
    return trainExamples;
  }

  public void setTrainExamples(Long trainExamples) {
    this.trainExamples = trainExamples;
  }

  public Long getValidationExamples() {
    return validationExamples;
  }

  public void setValidationExamples(Long validationExamples) {
    this.validationExamples = validationExamples;
  }

  public Long getTokens() {
    return tokens;
  }

  public void setTokens(Long tokens) {
    this.tokens = tokens;
  }

  public Long getTruncated() {
    return truncated;
  }

  public void setTruncated(Long truncated) {
    this.truncated = truncated;
  }

  public Long getSkippedLines() {
    return skippedLines;
  }

  public void setSkippedLines(Long skippedLines) {
    this.skippedLines = skippedLines;
  }

  public List<DataFileStatus> getFiles() {
    return files;
  }

  public void setFiles(List<DataFileStatus> files) {
    this.files = files;
  }
}
