/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.api.v1alpha1.ObjectiveType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the trainer implements, in one place: the operator's validator refuses a FineTuneJob that
 * asks for anything else, and the trainer refuses a trainer config that does, with the same reason,
 * so nothing the API accepts fails later inside a GPU pod. Every data format, both methods,
 * packing, validationSplit, earlyStopping and any GPU count (data parallel) are implemented; the
 * limit is the precision below.
 */
public final class TrainerCapabilities {
  /**
   * Training precision: float32, or float16 mixed precision (float32 master weights, dynamic loss
   * scaling). DJL's PyTorch engine cannot hold bfloat16 tensors. (Checkpoints stored in float16 or
   * bfloat16 are read either way: the weights are widened to float32.)
   */
  public static final Set<ModelDtype> DTYPES =
      Collections.unmodifiableSet(EnumSet.of(ModelDtype.FLOAT32, ModelDtype.FLOAT16));

  private TrainerCapabilities() {}

  /** Why the trainer cannot train in {@code dtype} (at {@code field}), or empty. */
  public static Optional<String> dtype(ModelDtype dtype, String field) {
    if (dtype == null || DTYPES.contains(dtype)) {
      return Optional.empty();
    }
    return Optional.of(
        field
            + " "
            + dtype.name().toLowerCase(java.util.Locale.ROOT)
            + " is not supported: DJL's PyTorch engine, which the trainer runs on, cannot hold"
            + " bfloat16 tensors; set float16 (mixed precision with loss scaling) or float32"
            + " (bfloat16 checkpoints are read either way)");
  }

  /**
   * Why the trainer cannot run {@code objective} on data of {@code format} (packed or not), each
   * naming its field: DPO learns from preference pairs only, and only DPO reads them; a pair's
   * chosen and rejected sequences share their prompt and are compared with each other, so DPO does
   * not pack them with other pairs (TRL's DPOTrainer has no packing either).
   *
   * @param fields the names of the objective, format and packing fields as the user wrote them
   */
  public static List<String> objective(
      ObjectiveType objective, DataFormat format, boolean packing, ObjectiveFields fields) {
    List<String> errors = new ArrayList<>();
    boolean dpo = objective == ObjectiveType.DPO;
    if (dpo && format != null && format != DataFormat.PREFERENCE) {
      errors.add(
          fields.format()
              + " "
              + format.wireName()
              + " has no preference pairs; "
              + fields.objective()
              + " dpo needs "
              + fields.format()
              + " preference ({\"prompt\", \"chosen\", \"rejected\"} lines)");
    }
    if (!dpo && format == DataFormat.PREFERENCE) {
      errors.add(
          fields.format()
              + " preference is for "
              + fields.objective()
              + " dpo; set it, or give sft data (text, promptCompletion or chat)");
    }
    if (dpo && packing) {
      errors.add(
          fields.packing()
              + " is not supported with "
              + fields.objective()
              + " dpo: each pair's chosen and rejected sequences are scored against each other"
              + " and are not packed with other pairs; turn packing off");
    }
    return errors;
  }

  /** How the user names the fields {@link #objective} checks: the spec's paths, or flags. */
  public record ObjectiveFields(String objective, String format, String packing) {
    public static final ObjectiveFields SPEC =
        new ObjectiveFields("spec.method.objective", "spec.dataset.format", "spec.dataset.packing");
  }

  /** Everything in {@code spec} the trainer would refuse, each naming its field. */
  public static List<String> check(FineTuneJobSpec spec) {
    List<String> errors = new ArrayList<>();
    if (spec.getModel() != null) {
      dtype(spec.getModel().getDtype(), "spec.model.dtype").ifPresent(errors::add);
    }
    if (spec.getDataset() != null) {
      ObjectiveType objective =
          spec.getMethod() != null ? spec.getMethod().objectiveOrDefault() : ObjectiveType.SFT;
      errors.addAll(
          objective(
              objective,
              spec.getDataset().getFormat(),
              Boolean.TRUE.equals(spec.getDataset().getPacking()),
              ObjectiveFields.SPEC));
    }
    return errors;
  }

  /** Everything in a trainer config the trainer would refuse. */
  public static List<String> check(TrainerConfig config) {
    List<String> errors = new ArrayList<>();
    if (config.model() != null) {
      dtype(config.model().dtype(), "spec.model.dtype").ifPresent(errors::add);
    }
    if (config.data() != null) {
      errors.addAll(
          objective(
              config.objective() != null ? config.objective() : ObjectiveType.SFT,
              config.data().format(),
              config.data().packing(),
              ObjectiveFields.SPEC));
    }
    return errors;
  }
}
