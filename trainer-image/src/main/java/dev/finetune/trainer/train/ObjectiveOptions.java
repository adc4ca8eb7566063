/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.DpoSpec;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.trainer.TrainerException;
import java.util.Set;

/**
 * What the run optimises, beside which weights train ({@link MethodOptions}): supervised
 * fine-tuning, or DPO with TRL's settings.
 *
 * @param beta DPO's β: how far the policy may move from the reference
 * @param loss DPO's loss over a pair's margin
 * @param labelSmoothing the robust loss's assumed rate of flipped labels
 */
public record ObjectiveOptions(
    ObjectiveType type, double beta, DpoLoss loss, double labelSmoothing) {

  public static Builder builder() {
    return new Builder();
  }

  public boolean dpo() {
    return type == ObjectiveType.DPO;
  }

  /** The names of the statistics the objective logs beside its loss. */
  public Set<String> statistics() {
    return dpo() ? DpoObjective.STATISTICS : Set.of();
  }

  /** Sequences the model reads per example: a DPO pair's chosen and rejected. */
  public int sequencesPerExample() {
    return dpo() ? 2 : 1;
  }

  /** Every field starts at its default; {@code optX} changes one. */
  public static final class Builder {
    private ObjectiveType type = ObjectiveType.SFT;
    private Double beta;
    private DpoLoss loss;
    private Double labelSmoothing;

    private Builder() {}

    public Builder optType(ObjectiveType type) {
      this.type = type;
      return this;
    }

    public Builder optBeta(double beta) {
      this.beta = beta;
      return this;
    }

    public Builder optLoss(DpoLoss loss) {
      this.loss = loss;
      return this;
    }

    public Builder optLabelSmoothing(double labelSmoothing) {
      this.labelSmoothing = labelSmoothing;
      return this;
    }

    ObjectiveOptions build(OptionNames names) {
      boolean dpo = type == ObjectiveType.DPO;
      if (!dpo && (beta != null || loss != null || labelSmoothing != null)) {
        throw TrainerException.config(
            names.of("--dpo-beta")
                + ", "
                + names.of("--dpo-loss")
                + " and "
                + names.of("--dpo-label-smoothing")
                + " need "
                + names.of("--objective")
                + " dpo");
      }
      double b = beta != null ? beta : DpoSpec.DEFAULT_BETA;
      DpoLoss l = loss != null ? loss : DpoLoss.SIGMOID;
      double s = labelSmoothing != null ? labelSmoothing : 0.0;
      if (!(b > 0) || !Double.isFinite(b)) {
        throw TrainerException.config(names.of("--dpo-beta") + " must be above 0, not " + b);
      }
      if (!(s >= 0 && s < 0.5)) {
        throw TrainerException.config(
            names.of("--dpo-label-smoothing") + " must be in [0, 0.5), not " + s);
      }
      if (s != 0 && l != DpoLoss.ROBUST) {
        throw TrainerException.config(
            names.of("--dpo-label-smoothing")
                + " is only used by "
                + names.of("--dpo-loss")
                + " robust, not "
                + l.wireName());
      }
      return new ObjectiveOptions(type, b, l, s);
    }
  }
}
