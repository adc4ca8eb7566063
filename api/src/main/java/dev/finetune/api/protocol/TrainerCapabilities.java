/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.api.v1alpha1.ResourcesSpec;
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
 * packing, validationSplit and earlyStopping are implemented; the limits are below.
 */
public final class TrainerCapabilities {
  /**
   * Training precision: float32 only. DJL's PyTorch engine cannot hold bfloat16 tensors, and
   * float16 mixed precision is not implemented yet. (Checkpoints stored in float16 or bfloat16 are
   * read: the weights are widened to float32.)
   */
  public static final Set<ModelDtype> DTYPES =
      Collections.unmodifiableSet(EnumSet.of(ModelDtype.FLOAT32));

  /** GPUs one trainer uses: data parallel over several is not implemented yet. */
  public static final int MAX_GPUS = 1;

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
            + " is not supported: the trainer computes in float32 (DJL's PyTorch engine cannot"
            + " hold bfloat16 tensors, and float16 mixed precision is not implemented yet); leave"
            + " it unset or set float32 (float16 and bfloat16 checkpoints are read either way)");
  }

  /** Why the trainer cannot use {@code gpus} GPUs (at {@code field}), or empty. */
  public static Optional<String> gpus(int gpus, String field) {
    return gpus > MAX_GPUS
        ? Optional.of(
            field
                + " "
                + gpus
                + " asks for more GPUs than the trainer uses: it trains on one (data parallel"
                + " over several is not implemented yet), so the others would idle; set 1")
        : Optional.empty();
  }

  /** Everything in {@code spec} the trainer would refuse, each naming its field. */
  public static List<String> check(FineTuneJobSpec spec) {
    List<String> errors = new ArrayList<>();
    if (spec.getModel() != null) {
      dtype(spec.getModel().getDtype(), "spec.model.dtype").ifPresent(errors::add);
    }
    Optional.ofNullable(spec.getResources())
        .map(ResourcesSpec::getGpus)
        .flatMap(g -> gpus(g, "spec.resources.gpus"))
        .ifPresent(errors::add);
    return errors;
  }

  /** Everything in a trainer config the trainer would refuse. */
  public static List<String> check(TrainerConfig config) {
    List<String> errors = new ArrayList<>();
    if (config.model() != null) {
      dtype(config.model().dtype(), "model.dtype").ifPresent(errors::add);
    }
    return errors;
  }
}
