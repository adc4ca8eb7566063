/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One evaluation task: a JSONL file of questions in one of lm-evaluation-harness's shapes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationTask {
  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$")
  @Accepted("lower-case letters, digits, '-' and '_', starting and ending with a letter or digit")
  @JsonPropertyDescription("The task's name in status and in gate rules.")
  private String name;

  @Required
  @Size(max = 2048)
  @Pattern(Sources.INPUT_PATTERN)
  @Accepted(Sources.INPUT_ACCEPTED)
  @JsonPropertyDescription(
      "Where the JSONL file is: pvc://claim/path/file.jsonl, hf://datasets/org/name/file.jsonl or"
          + " https://...")
  private String source;

  @Required
  @JsonPropertyDescription(
      "multipleChoice ({\"context\", \"choices\": [...], \"answer\": index}: acc, acc_norm),"
          + " loglikelihood ({\"context\", \"continuation\"}: perplexity, acc) or generate"
          + " ({\"prompt\", \"expected\"}: greedy generation, exact_match), as lm-evaluation-harness"
          + " computes them.")
  private EvaluationTaskType type;

  @Min(1)
  @Max(4096)
  @JsonPropertyDescription("generate only: the most tokens generated per prompt. Default: 32.")
  private Integer maxNewTokens;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public EvaluationTaskType getType() {
    return type;
  }

  public void setType(EvaluationTaskType type) {
    this.type = type;
  }

  public Integer getMaxNewTokens() {
    return maxNewTokens;
  }

  public void setMaxNewTokens(Integer maxNewTokens) {
    this.maxNewTokens = maxNewTokens;
  }
}
