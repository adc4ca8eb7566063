/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static dev.finetune.trainer.cli.TrainOptions.given;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.DpoSpec;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.train.ObjectiveOptions;
import picocli.CommandLine.Option;

/** The flags of {@link ObjectiveOptions}: SFT, or DPO and its settings (TRL's DPOConfig). */
final class ObjectiveFlags {
  @Option(
      names = "--objective",
      description =
          "sft (supervised fine-tuning) or dpo (preference pairs: --format preference). Default"
              + " sft.")
  String objective;

  @Option(
      names = "--dpo-beta",
      description =
          "DPO's beta: how far the model may move from the reference (the starting weights);"
              + " higher keeps it closer (default "
              + DpoSpec.DEFAULT_BETA
              + ").")
  Double beta;

  @Option(
      names = "--dpo-loss",
      description = "sigmoid (DPO), ipo, hinge or robust, as TRL's loss_type (default sigmoid).")
  String loss;

  @Option(
      names = "--dpo-label-smoothing",
      description =
          "With --dpo-loss robust: the assumed fraction of pairs whose labels are flipped"
              + " (default 0).")
  Double labelSmoothing;

  /** Sets on {@code b} every flag that was given. */
  void applyTo(ObjectiveOptions.Builder b) {
    given(objective, o -> b.optType(objective(o)));
    given(beta, b::optBeta);
    given(loss, l -> b.optLoss(loss(l)));
    given(labelSmoothing, b::optLabelSmoothing);
  }

  /** Sets on {@code o} what the operator's config says, naming each option by its spec field. */
  static void fromConfig(TrainerConfig c, ObjectiveOptions.Builder o, ConfigFields config) {
    config.map(c.objective(), "--objective", "spec.method.objective", o::optType);
    DpoSpec dpo = c.objective() == ObjectiveType.DPO && c.dpo() != null ? c.dpo() : new DpoSpec();
    config.map(dpo.getBeta(), "--dpo-beta", "spec.method.dpo.beta", o::optBeta);
    config.map(dpo.getLoss(), "--dpo-loss", "spec.method.dpo.loss", o::optLoss);
    config.map(
        dpo.getLabelSmoothing(),
        "--dpo-label-smoothing",
        "spec.method.dpo.labelSmoothing",
        o::optLabelSmoothing);
  }

  private static ObjectiveType objective(String name) {
    return ObjectiveType.byName(name)
        .orElseThrow(
            () -> TrainerException.config("--objective is sft or dpo, not \"" + name + "\""));
  }

  private static DpoLoss loss(String name) {
    return DpoLoss.byName(name)
        .orElseThrow(
            () ->
                TrainerException.config(
                    "--dpo-loss is sigmoid, ipo, hinge or robust, not \"" + name + "\""));
  }
}
