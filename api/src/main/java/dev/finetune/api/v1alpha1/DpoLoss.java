/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/** DPO's loss over a pair's reward margin, with TRL's {@code loss_type} names and formulas. */
public enum DpoLoss {
  /** −log σ(β·Δ): the DPO paper's loss. */
  @JsonProperty("sigmoid")
  SIGMOID("sigmoid"),
  /** (Δ/|y| − 1/(2β))², log-ratios averaged per completion token (IPO). */
  @JsonProperty("ipo")
  IPO("ipo"),
  /** max(0, 1 − β·Δ) (SLiC). */
  @JsonProperty("hinge")
  HINGE("hinge"),
  /** Sigmoid loss robust to flipped labels, with labelSmoothing the flip rate (rDPO). */
  @JsonProperty("robust")
  ROBUST("robust");

  private final String wireName;

  DpoLoss(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<DpoLoss> byName(String name) {
    for (DpoLoss l : values()) {
      if (l.wireName.equals(name) || l.name().equalsIgnoreCase(name)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }
}
