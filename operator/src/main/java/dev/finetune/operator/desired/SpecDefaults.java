/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.CheckpointSpec;
import dev.finetune.api.v1alpha1.DatasetSpec;
import dev.finetune.api.v1alpha1.DpoLoss;
import dev.finetune.api.v1alpha1.DpoSpec;
import dev.finetune.api.v1alpha1.EarlyStopping;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.Hyperparameters;
import dev.finetune.api.v1alpha1.LoraSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.api.v1alpha1.ObjectiveType;
import dev.finetune.api.v1alpha1.OutputSpec;
import dev.finetune.api.v1alpha1.PublishSpec;
import dev.finetune.api.v1alpha1.PublishWhat;
import dev.finetune.api.v1alpha1.ResourcesSpec;
import dev.finetune.api.v1alpha1.RetainPolicy;
import dev.finetune.api.v1alpha1.RunPolicy;
import dev.finetune.api.v1alpha1.SchedulerType;
import dev.finetune.api.v1alpha1.StorageSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;
import java.util.Optional;

/**
 * The defaults of every optional spec field, in one place; the training ones are the trainer's own
 * ({@link TrainingDefaults}, in the api module). The CRD's field descriptions state the same
 * values; {@code SpecDefaultsTest} keeps the two in step.
 */
public final class SpecDefaults {
  public static final ModelDtype DTYPE = ModelDtype.FLOAT32;
  public static final int MAX_LENGTH = TrainingDefaults.MAX_LENGTH;
  public static final MethodType METHOD = MethodType.FULL;
  public static final ObjectiveType OBJECTIVE = ObjectiveType.SFT;
  public static final double DPO_BETA = DpoSpec.DEFAULT_BETA;
  public static final DpoLoss DPO_LOSS = DpoLoss.SIGMOID;
  public static final double DPO_LABEL_SMOOTHING = 0.0;
  public static final int LORA_RANK = TrainingDefaults.LORA_RANK;
  public static final double LORA_ALPHA = TrainingDefaults.LORA_ALPHA;
  public static final double LORA_DROPOUT = TrainingDefaults.LORA_DROPOUT;
  public static final int EPOCHS = TrainingDefaults.EPOCHS;
  public static final int BATCH_SIZE = TrainingDefaults.BATCH_SIZE;
  public static final int GRADIENT_ACCUMULATION_STEPS =
      TrainingDefaults.GRADIENT_ACCUMULATION_STEPS;
  public static final double LEARNING_RATE_FULL = TrainingDefaults.LEARNING_RATE_FULL;
  public static final double LEARNING_RATE_LORA = TrainingDefaults.LEARNING_RATE_LORA;
  public static final long WARMUP_STEPS = TrainingDefaults.WARMUP_STEPS;
  public static final SchedulerType SCHEDULER = TrainingDefaults.SCHEDULER;
  public static final double WEIGHT_DECAY = TrainingDefaults.WEIGHT_DECAY;
  public static final double MAX_GRAD_NORM = TrainingDefaults.MAX_GRAD_NORM;
  public static final long SEED = TrainingDefaults.SEED;
  public static final long CHECKPOINT_EVERY_STEPS = 500;
  public static final int CHECKPOINT_KEEP_LAST = TrainingDefaults.CHECKPOINT_KEEP_LAST;
  public static final String STORAGE_SIZE = "20Gi";
  public static final RetainPolicy RETAIN_POLICY = RetainPolicy.RETAIN;
  public static final int GPUS = 1;
  public static final int BACKOFF_LIMIT = 3;

  private SpecDefaults() {}

  public static ModelDtype dtype(FineTuneJobSpec spec) {
    return Objects.requireNonNullElse(spec.getModel().getDtype(), DTYPE);
  }

  public static int maxLength(DatasetSpec dataset) {
    return Objects.requireNonNullElse(dataset.getMaxLength(), MAX_LENGTH);
  }

  public static MethodType method(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getMethod()).map(m -> m.getType()).orElse(METHOD);
  }

  public static ObjectiveType objective(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getMethod()).map(m -> m.getObjective()).orElse(OBJECTIVE);
  }

  /**
   * DPO settings with every default resolved (the trainer gets beta, loss and labelSmoothing
   * explicitly), or null unless the objective is dpo.
   */
  public static DpoSpec dpo(FineTuneJobSpec spec) {
    if (objective(spec) != ObjectiveType.DPO) {
      return null;
    }
    DpoSpec given = Optional.ofNullable(spec.getMethod().getDpo()).orElseGet(DpoSpec::new);
    DpoSpec dpo = new DpoSpec();
    dpo.setBeta(or(given.getBeta(), DPO_BETA));
    dpo.setLoss(or(given.getLoss(), DPO_LOSS));
    dpo.setLabelSmoothing(or(given.getLabelSmoothing(), DPO_LABEL_SMOOTHING));
    return dpo;
  }

  /** LoRA settings with defaults, or null for full fine-tuning. */
  public static LoraSpec lora(FineTuneJobSpec spec) {
    if (method(spec) != MethodType.LORA) {
      return null;
    }
    LoraSpec given = Optional.ofNullable(spec.getMethod().getLora()).orElseGet(LoraSpec::new);
    LoraSpec lora = new LoraSpec();
    lora.setRank(Objects.requireNonNullElse(given.getRank(), LORA_RANK));
    lora.setAlpha(Objects.requireNonNullElse(given.getAlpha(), LORA_ALPHA));
    lora.setDropout(Objects.requireNonNullElse(given.getDropout(), LORA_DROPOUT));
    // null: the trainer picks the attention projections of the model's architecture.
    lora.setTargetModules(given.getTargetModules());
    return lora;
  }

  public static Hyperparameters hyperparameters(FineTuneJobSpec spec) {
    Hyperparameters given =
        Optional.ofNullable(spec.getHyperparameters()).orElseGet(Hyperparameters::new);
    Hyperparameters h = new Hyperparameters();
    h.setMaxSteps(given.getMaxSteps());
    h.setEpochs(given.getMaxSteps() == null ? or(given.getEpochs(), EPOCHS) : null);
    h.setBatchSize(or(given.getBatchSize(), new IntOrString(BATCH_SIZE)));
    h.setMaxBatchSize(given.getMaxBatchSize());
    h.setGradientAccumulationSteps(
        or(given.getGradientAccumulationSteps(), GRADIENT_ACCUMULATION_STEPS));
    h.setLearningRate(
        or(
            given.getLearningRate(),
            method(spec) == MethodType.LORA ? LEARNING_RATE_LORA : LEARNING_RATE_FULL));
    h.setWarmupRatio(given.getWarmupRatio());
    h.setWarmupSteps(
        given.getWarmupRatio() == null ? or(given.getWarmupSteps(), WARMUP_STEPS) : null);
    h.setScheduler(or(given.getScheduler(), SCHEDULER));
    h.setWeightDecay(or(given.getWeightDecay(), WEIGHT_DECAY));
    h.setMaxGradNorm(or(given.getMaxGradNorm(), MAX_GRAD_NORM));
    h.setSeed(or(given.getSeed(), SEED));
    h.setEvalEverySteps(given.getEvalEverySteps());
    if (given.getEarlyStopping() != null) {
      EarlyStopping early = new EarlyStopping();
      early.setPatience(given.getEarlyStopping().getPatience());
      early.setMinDelta(or(given.getEarlyStopping().getMinDelta(), 0.0));
      // The trainer resolves the metric's defaults as Hugging Face does (eval_loss, lower better).
      early.setMetric(given.getEarlyStopping().getMetric());
      early.setGreaterIsBetter(given.getEarlyStopping().getGreaterIsBetter());
      h.setEarlyStopping(early);
    }
    return h;
  }

  public static long checkpointEverySteps(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getCheckpoints())
        .map(CheckpointSpec::getEverySteps)
        .orElse(CHECKPOINT_EVERY_STEPS);
  }

  public static int checkpointKeepLast(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getCheckpoints())
        .map(CheckpointSpec::getKeepLast)
        .orElse(CHECKPOINT_KEEP_LAST);
  }

  public static Optional<StorageSpec> storage(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getCheckpoints()).map(CheckpointSpec::getStorage);
  }

  /** The claim the user named for checkpoints, if any. */
  public static Optional<String> existingClaim(FineTuneJobSpec spec) {
    return storage(spec).map(StorageSpec::getExistingClaim);
  }

  public static String storageSize(FineTuneJobSpec spec) {
    return storage(spec).map(StorageSpec::getSize).orElse(STORAGE_SIZE);
  }

  public static RetainPolicy retainPolicy(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getOutput())
        .map(OutputSpec::getRetainPolicy)
        .orElse(RETAIN_POLICY);
  }

  public static final PublishWhat PUBLISH_WHAT = PublishWhat.FINAL;

  /** spec.output.publish, when the model is to be pushed to a registry. */
  public static Optional<PublishSpec> publish(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getOutput()).map(OutputSpec::getPublish);
  }

  /** Which output folder the publish step pushes: final/ unless merged/ is asked for. */
  public static PublishWhat publishWhat(PublishSpec publish) {
    return or(publish.getWhat(), PUBLISH_WHAT);
  }

  /** Whether the trainer also writes merged/: publish.what merged (validated to be LoRA only). */
  public static boolean mergeAdapter(FineTuneJobSpec spec) {
    return method(spec) == MethodType.LORA
        && publish(spec).map(p -> publishWhat(p) == PublishWhat.MERGED).orElse(false);
  }

  /**
   * The publish target with its tag: the spec's {@code oci://registry/repository[:tag]}, tagged
   * with the job's name when it has no tag.
   */
  public static String publishTarget(PublishSpec publish, String jobName) {
    String to = publish.getTo();
    int slash = to.indexOf('/', "oci://".length());
    boolean tagged = slash >= 0 && to.indexOf(':', slash) >= 0;
    return tagged ? to : to + ":" + jobName;
  }

  public static int gpus(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getResources()).map(ResourcesSpec::getGpus).orElse(GPUS);
  }

  public static String gpuResourceName(FineTuneJobSpec spec, String operatorDefault) {
    return Optional.ofNullable(spec.getResources())
        .map(ResourcesSpec::getGpuResourceName)
        .orElse(operatorDefault);
  }

  public static boolean suspend(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getRunPolicy()).map(RunPolicy::getSuspend).orElse(false);
  }

  public static int backoffLimit(FineTuneJobSpec spec) {
    return Optional.ofNullable(spec.getRunPolicy())
        .map(RunPolicy::getBackoffLimit)
        .orElse(BACKOFF_LIMIT);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
