/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** LoRA adapter settings, with PEFT's meaning. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LoraSpec {
  @Min(1)
  @Max(1024)
  @JsonPropertyDescription("Adapter rank r. Default: 8.")
  private Integer rank;

  @Min(value = 0, inclusive = false)
  @Max(4096)
  @JsonPropertyDescription("Scaling numerator: the update is scaled by alpha / rank. Default: 16.")
  private Double alpha;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("Dropout on the adapter input. Default: 0.")
  private Double dropout;

  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "Hugging Face module names to adapt, e.g. q_proj, v_proj (Llama, Qwen, Mistral, Gemma), qkv_proj"
          + " (Phi-3) or c_attn (GPT-2)."
          + " Default: the attention query and value projections of the model's architecture.")
  private List<String> targetModules;

  public Integer getRank() {
    return rank;
  }

  public void setRank(Integer rank) {
    this.rank = rank;
  }

  public Double getAlpha() {
    return alpha;
  }

  public void setAlpha(Double alpha) {
    this.alpha = alpha;
  }

  public Double getDropout() {
    return dropout;
  }

  public void setDropout(Double dropout) {
    this.dropout = dropout;
  }

  public List<String> getTargetModules() {
    return targetModules;
  }

  public void setTargetModules(List<String> targetModules) {
    this.targetModules = targetModules;
  }
}
