/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.validation;

import dev.finetune.api.protocol.PromotionGate;
import dev.finetune.api.protocol.TrainerCapabilities;
import dev.finetune.api.v1alpha1.DatasetSpec;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.DpoSpec;
import dev.finetune.api.v1alpha1.EvaluationSpec;
import dev.finetune.api.v1alpha1.EvaluationTask;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.GateRule;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.MethodSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ModelSpec;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.api.v1alpha1.PublishWhat;
import dev.finetune.api.v1alpha1.ResourcesSpec;
import dev.finetune.api.v1alpha1.Sources;
import dev.finetune.api.v1alpha1.StorageSpec;
import dev.finetune.operator.desired.ChildNames;
import dev.finetune.operator.desired.SpecDefaults;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
          FineTuneJobValidator::mergedOnlyWithLora,
          FineTuneJobValidator::registryFieldsOnlyWithOci,
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
    errors.addAll(evaluation(spec));
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

  /** The CRD's CEL rule on spec.model: pull credentials and plain HTTP mean a registry source. */
  private static Optional<String> registryFieldsOnlyWithOci(FineTuneJob job) {
    ModelSpec model = job.getSpec().getModel();
    boolean registryFields = model.getCredentialsSecretRef() != null || model.getInsecure() != null;
    boolean oci = model.getSource() != null && model.getSource().startsWith(Sources.OCI_SCHEME);
    return registryFields && !oci
        ? Optional.of(
            "spec.model.credentialsSecretRef and spec.model.insecure are for an oci:// source; the"
                + " Hub token of an hf:// source is spec.model.tokenSecretRef")
        : Optional.empty();
  }

  /** The CRD's CEL rule on spec: merged/ exists only for a LoRA run (the trainer writes it). */
  private static Optional<String> mergedOnlyWithLora(FineTuneJob job) {
    boolean merged =
        SpecDefaults.publish(job.getSpec())
            .map(p -> p.getWhat() == PublishWhat.MERGED)
            .orElse(false);
    return merged && SpecDefaults.method(job.getSpec()) != MethodType.LORA
        ? Optional.of(
            "spec.output.publish.what merged is a LoRA run's merged model; with method full,"
                + " publish final")
        : Optional.empty();
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

  /**
   * spec.evaluation, what its schema cannot say: task names differ and are not {@code validation}
   * (the validation loss's); maxNewTokens goes with type generate; there is something to compare (a
   * task, or validation data for the validation loss); every gate rule names a task of the list or
   * {@code validation} (which needs validation data) and a metric that task reports, so a rule can
   * never fail only because what it reads was never measured.
   */
  static List<String> evaluation(FineTuneJobSpec spec) {
    EvaluationSpec evaluation = spec.getEvaluation();
    if (evaluation == null) {
      return List.of();
    }
    List<String> errors = new ArrayList<>();
    DatasetSpec d = spec.getDataset();
    boolean validationData = d.getValidation() != null || d.getValidationSplit() != null;
    List<EvaluationTask> tasks = evaluation.getTasks() == null ? List.of() : evaluation.getTasks();
    Map<String, EvaluationTaskType> types = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      EvaluationTask task = tasks.get(i);
      String field = "spec.evaluation.tasks[" + i + "]";
      if (task == null) {
        continue;
      }
      String name = task.getName();
      if (PromotionGate.VALIDATION_TASK.equals(name)) {
        errors.add(
            field
                + ".name validation is the validation loss's (a gate rule's task validation);"
                + " name the task otherwise");
      } else if (name != null && types.containsKey(name)) {
        errors.add(field + ".name " + name + " is taken by an earlier task; name each task once");
      } else if (name != null) {
        types.put(name, task.getType());
      }
      if (task.getMaxNewTokens() != null
          && task.getType() != null
          && task.getType() != EvaluationTaskType.GENERATE) {
        errors.add(
            field
                + ".maxNewTokens is for type generate (this task is "
                + task.getType().wireName()
                + "); remove it");
      }
    }
    if (tasks.isEmpty() && !validationData) {
      errors.add(
          "spec.evaluation compares nothing: add spec.evaluation.tasks, or validation data"
              + " (spec.dataset.validation or spec.dataset.validationSplit) to compare the"
              + " validation loss");
    }
    List<GateRule> rules =
        evaluation.getGate() == null || evaluation.getGate().getRules() == null
            ? List.of()
            : evaluation.getGate().getRules();
    for (int i = 0; i < rules.size(); i++) {
      GateRule rule = rules.get(i);
      String field = "spec.evaluation.gate.rules[" + i + "]";
      if (rule == null || rule.getTask() == null || rule.getMetric() == null) {
        continue; // required: the schema's check names it
      }
      String task = rule.getTask();
      String metric = rule.getMetric();
      if (PromotionGate.VALIDATION_TASK.equals(task)) {
        if (!validationData) {
          errors.add(
              field
                  + ".task validation is the validation loss, and the job has no validation"
                  + " data: set spec.dataset.validation or spec.dataset.validationSplit");
        } else if (!PromotionGate.VALIDATION_METRIC.equals(metric)) {
          errors.add(
              field
                  + ".metric "
                  + metric
                  + " is not reported by task validation; its metric is "
                  + PromotionGate.VALIDATION_METRIC);
        }
      } else if (!types.containsKey(task)) {
        errors.add(
            field
                + ".task "
                + task
                + " is not in spec.evaluation.tasks; name one of "
                + String.join(", ", names(types.keySet(), validationData)));
      } else if (types.get(task) != null && !types.get(task).metrics().contains(metric)) {
        EvaluationTaskType type = types.get(task);
        errors.add(
            field
                + ".metric "
                + metric
                + " is not reported by task "
                + task
                + " (type "
                + type.wireName()
                + "); its metrics are "
                + String.join(", ", type.metrics()));
      }
    }
    return errors;
  }

  /** The names a gate rule may use: the tasks, and validation when there is validation data. */
  private static List<String> names(Collection<String> tasks, boolean validationData) {
    List<String> names = new ArrayList<>(tasks);
    if (validationData) {
      names.add(PromotionGate.VALIDATION_TASK);
    }
    return names.isEmpty() ? List.of("(none: the job has no tasks)") : names;
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
