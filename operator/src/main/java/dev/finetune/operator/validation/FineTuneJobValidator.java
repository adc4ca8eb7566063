/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.validation;

import dev.finetune.api.protocol.TrainerCapabilities;
import dev.finetune.api.v1alpha1.DatasetSpec;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.DpoSpec;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.MethodSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.api.v1alpha1.ResourcesSpec;
import dev.finetune.api.v1alpha1.StorageSpec;
import dev.finetune.operator.desired.ChildNames;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Validates a FineTuneJob in the reconcile loop: everything the CRD's schema and CEL rules check
 * (the operator must be safe where that validation was bypassed), and what they cannot express.
 * Each check returns an error that names the field, or nothing.
 */
public final class FineTuneJobValidator {
  private static final Pattern MODULE_NAME = Pattern.compile("^[A-Za-z0-9_.]+$");

  private final List<Function<FineTuneJob, Optional<String>>> checks =
      List.of(
          FineTuneJobValidator::nameFitsChildren,
          FineTuneJobValidator::validationFileOrSplit,
          FineTuneJobValidator::loraOnlyWithLora,
          FineTuneJobValidator::dpoOnlyWithDpo,
          FineTuneJobValidator::labelSmoothingOnlyWithRobust,
          FineTuneJobValidator::warmupExclusive,
          FineTuneJobValidator::epochsOrMaxSteps,
          FineTuneJobValidator::batchSizeOrAuto,
          FineTuneJobValidator::earlyStoppingNeedsValidation,
          FineTuneJobValidator::storageExclusive,
          FineTuneJobValidator::loraModuleNames,
          job ->
              quantity(
                  resources(job).map(ResourcesSpec::getCpu), "spec.resources.cpu", "8 or 7500m"),
          job ->
              quantity(
                  resources(job).map(ResourcesSpec::getMemory), "spec.resources.memory", "48Gi"),
          job ->
              quantity(
                  storage(job).map(StorageSpec::getSize),
                  "spec.checkpoints.storage.size",
                  "100Gi"));

  /** All problems with the job, each naming its field; empty when the job is valid. */
  public List<String> validate(FineTuneJob job) {
    FineTuneJobSpec spec = job.getSpec();
    if (spec == null) {
      return List.of("spec is required");
    }
    List<String> errors = new ArrayList<>(SchemaConstraints.check(spec, "spec"));
    if (spec.getModel() == null || spec.getDataset() == null) {
      return errors; // the checks below read both
    }
    for (var check : checks) {
      check.apply(job).ifPresent(errors::add);
    }
    // What the trainer does not implement: refused here, not inside a GPU pod.
    errors.addAll(TrainerCapabilities.check(spec));
    return errors;
  }

  private static Optional<String> nameFitsChildren(FineTuneJob job) {
    String name = job.getMetadata().getName();
    return name.length() > ChildNames.MAX_JOB_NAME_LENGTH
        ? Optional.of(
            "metadata.name must be at most "
                + ChildNames.MAX_JOB_NAME_LENGTH
                + " characters (the trainer Job's name adds \""
                + ChildNames.JOB_SUFFIX
                + "\"), got "
                + name.length())
        : Optional.empty();
  }

  private static Optional<String> validationFileOrSplit(FineTuneJob job) {
    DatasetSpec d = job.getSpec().getDataset();
    return d.getValidation() != null && d.getValidationSplit() != null
        ? Optional.of(
            "set either spec.dataset.validation or spec.dataset.validationSplit, not both")
        : Optional.empty();
  }

  private static Optional<String> loraOnlyWithLora(FineTuneJob job) {
    MethodSpec method = job.getSpec().getMethod();
    if (method != null && method.getLora() != null && method.getType() != MethodType.LORA) {
      return Optional.of("spec.method.lora may only be set when spec.method.type is lora");
    }
    return Optional.empty();
  }

  /** The CRD's CEL rule on spec.method, which the API server may not have applied. */
  private static Optional<String> dpoOnlyWithDpo(FineTuneJob job) {
    MethodSpec method = job.getSpec().getMethod();
    if (method != null && method.getDpo() != null && method.getObjective() != ObjectiveType.DPO) {
      return Optional.of(
          "spec.method.dpo may only be set when spec.method.objective is dpo; set objective: dpo"
              + " (with spec.dataset.format preference), or remove spec.method.dpo");
    }
    return Optional.empty();
  }

  /** The CRD's CEL rule on spec.method.dpo: a flip rate means something to robust only. */
  private static Optional<String> labelSmoothingOnlyWithRobust(FineTuneJob job) {
    MethodSpec method = job.getSpec().getMethod();
    DpoSpec dpo = method == null ? null : method.getDpo();
    if (dpo != null
        && dpo.getLabelSmoothing() != null
        && dpo.getLabelSmoothing() != 0.0
        && dpo.getLoss() != DpoLoss.ROBUST) {
      return Optional.of(
          "spec.method.dpo.labelSmoothing is only used by spec.method.dpo.loss robust (loss is "
              + dpo.lossOrDefault().wireName()
              + "); set loss: robust, or remove labelSmoothing");
    }
    return Optional.empty();
  }

  private static Optional<String> warmupExclusive(FineTuneJob job) {
    Hyperparameters h = job.getSpec().getHyperparameters();
    return h != null && h.getWarmupRatio() != null && h.getWarmupSteps() != null
        ? Optional.of(
            "set either spec.hyperparameters.warmupRatio or spec.hyperparameters.warmupSteps, not"
                + " both")
        : Optional.empty();
  }

  private static Optional<String> epochsOrMaxSteps(FineTuneJob job) {
    Hyperparameters h = job.getSpec().getHyperparameters();
    return h != null && h.getEpochs() != null && h.getMaxSteps() != null
        ? Optional.of(
            "set either spec.hyperparameters.epochs or spec.hyperparameters.maxSteps, not both")
        : Optional.empty();
  }

  /** The CRD's rules for batchSize (int or string), which the schema annotations cannot say. */
  private static Optional<String> batchSizeOrAuto(FineTuneJob job) {
    Hyperparameters h = job.getSpec().getHyperparameters();
    if (h == null) {
      return Optional.empty();
    }
    IntOrString batch = h.getBatchSize();
    boolean auto = batch != null && batch.getIntVal() == null;
    if (batch != null
        && (auto
            ? !"auto".equals(batch.getStrVal())
            : batch.getIntVal() < 1 || batch.getIntVal() > 4096)) {
      return Optional.of(
          "spec.hyperparameters.batchSize is "
              + (auto ? "\"" + batch.getStrVal() + "\"" : batch.getIntVal())
              + "; write a number of examples from 1 to 4096, or auto");
    }
    if (h.getMaxBatchSize() != null && !auto) {
      return Optional.of(
          "spec.hyperparameters.maxBatchSize goes with spec.hyperparameters.batchSize: auto;"
              + " remove it, or set batchSize to auto");
    }
    return Optional.empty();
  }

  private static Optional<String> earlyStoppingNeedsValidation(FineTuneJob job) {
    Hyperparameters h = job.getSpec().getHyperparameters();
    DatasetSpec d = job.getSpec().getDataset();
    if (h != null
        && h.getEarlyStopping() != null
        && d.getValidation() == null
        && d.getValidationSplit() == null) {
      return Optional.of(
          "spec.hyperparameters.earlyStopping needs validation data: set spec.dataset.validation"
              + " or spec.dataset.validationSplit");
    }
    return Optional.empty();
  }

  private static Optional<String> storageExclusive(FineTuneJob job) {
    return storage(job)
        .filter(
            s ->
                s.getExistingClaim() != null
                    && (s.getSize() != null || s.getStorageClassName() != null))
        .map(
            s ->
                "spec.checkpoints.storage.existingClaim cannot be combined with size or"
                    + " storageClassName");
  }

  private static Optional<String> loraModuleNames(FineTuneJob job) {
    MethodSpec method = job.getSpec().getMethod();
    if (method == null || method.getLora() == null || method.getLora().getTargetModules() == null) {
      return Optional.empty();
    }
    List<String> modules = method.getLora().getTargetModules();
    for (int i = 0; i < modules.size(); i++) {
      String module = modules.get(i);
      if (module == null || !MODULE_NAME.matcher(module).matches()) {
        return Optional.of(
            "spec.method.lora.targetModules["
                + i
                + "] is not a module name (letters, digits, '_' and '.'): \""
                + module
                + "\"");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> quantity(Optional<String> value, String path, String example) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      Quantity.getAmountInBytes(new Quantity(value.get()));
      return Optional.empty();
    } catch (IllegalArgumentException | ArithmeticException e) {
      return Optional.of(
          path
              + " is not a Kubernetes quantity: \""
              + value.get()
              + "\"; write it as one, e.g. "
              + example);
    }
  }

  private static Optional<ResourcesSpec> resources(FineTuneJob job) {
    return Optional.ofNullable(job.getSpec().getResources());
  }

  private static Optional<StorageSpec> storage(FineTuneJob job) {
    return Optional.ofNullable(job.getSpec().getCheckpoints()).map(c -> c.getStorage());
  }
}
