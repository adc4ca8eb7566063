/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** DPO settings, with TRL's DPOConfig meaning (beta, loss_type, label_smoothing). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.labelSmoothing) || self.labelSmoothing == 0.0 || (has(self.loss) && self.loss == 'robust')",
    message = "method.dpo.labelSmoothing is only used by loss robust")
public class DpoSpec {
  public static final double DEFAULT_BETA = 0.1;

  @Min(value = 0, inclusive = false)
  @Max(1000)
  @JsonPropertyDescription(
      "How far the trained model may move from the reference (the starting weights): higher keeps"
          + " it closer. Default: 0.1.")
  private Double beta;

  @JsonPropertyDescription("sigmoid (DPO), ipo, hinge or robust. Default: sigmoid.")
  private DpoLoss loss;

  @Min(0)
  @Max(value = 0.5, inclusive = false)
  @JsonPropertyDescription(
      "robust only: the assumed fraction of pairs whose labels are flipped. Default: 0.")
  private Double labelSmoothing;

  public Double getBeta() {
    return beta;
  }

  public void setBeta(Double beta) {
    this.beta = beta;
  }

  public DpoLoss getLoss() {
    return loss;
  }

  public void setLoss(DpoLoss loss) {
    this.loss = loss;
  }

  public Double getLabelSmoothing() {
    return labelSmoothing;
  }

  public void setLabelSmoothing(Double labelSmoothing) {
    this.labelSmoothing = labelSmoothing;
  }

  /** beta, or its default. */
  public double betaOrDefault() {
    return beta != null ? beta : DEFAULT_BETA;
  }

  public DpoLoss lossOrDefault() {
    return loss != null ? loss : DpoLoss.SIGMOID;
  }

  public double labelSmoothingOrDefault() {
    return labelSmoothing != null ? labelSmoothing : 0.0;
  }
}
