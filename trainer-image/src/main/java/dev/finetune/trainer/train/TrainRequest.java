/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.source.HubLocation;
import dev.finetune.trainer.source.SourceSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one training run needs, typed: built from the operator's trainer config in a pod, or
 * from the command line's flags, with {@link #builder()}. {@code setX} sets what every run needs,
 * {@code optX} what has a default.
 *
 * @param model the model source: a folder, {@code hf://org/name[@rev]}, https:// or preset://
 * @param adapter a PEFT adapter to apply before full fine-tuning, or null
 * @param data the training data source
 * @param evalData the validation data source, or null
 * @param evalMaxLength tokens per validation example, or null for {@code maxLength}
 * @param packing pack the training examples into sequences of maxLength tokens
 * @param validationSplit the fraction of the training data held out for validation, or null
 * @param earlyStopping stop when the eval loss stops improving (final/ is then the best model), or
 *     null
 * @param loraTargetModules the modules LoRA adapts, or null for the model's default
 * @param checkpointDir where checkpoints go and resume comes from (default: {@code output})
 * @param checkpointVolumeBytes the size of the volume whose root is the checkpoint folder's parent,
 *     when known (a claim's requested size), or null: prepare's storage check
 * @param saveEverySteps the checkpoint interval, or 0 for none (but one on SIGTERM)
 * @param stopGrace the time SIGTERM leaves to finish the step and save
 * @param progressPort the port of /progress, /metrics and /healthz; 0 any free port, -1 none
 * @param terminationMessagePath where the result JSON goes (a pod's /dev/termination-log), or null
 * @param dataDigests the SHA-256 each data source must have (what the prepare step read), by source
 */
public record TrainRequest(
    String model,
    Path adapter,
    String data,
    DataFormat format,
    int maxLength,
    String evalData,
    Integer evalMaxLength,
    boolean packing,
    Double validationSplit,
    EarlyStopping earlyStopping,
    SourceSettings sources,
    MethodType method,
    int loraRank,
    double loraAlpha,
    double loraDropout,
    List<String> loraTargetModules,
    boolean mergeAdapter,
    TrainingOptions training,
    Path output,
    Path checkpointDir,
    Long checkpointVolumeBytes,
    long saveEverySteps,
    int saveTotalLimit,
    boolean skipInvalidLines,
    Duration stopGrace,
    int progressPort,
    Path terminationMessagePath,
    int logEverySteps,
    boolean progressBar,
    Map<String, String> dataDigests) {

  /** Below a pod's default 120 s grace period, with room for the JVM to exit. */
  public static final long STOP_GRACE_SECONDS = 110;

  public static final int LOG_EVERY_STEPS = 10;

  public static Builder builder() {
    return new Builder();
  }

  public boolean lora() {
    return method == MethodType.LORA;
  }

  /** The LoRA settings, with {@code defaultTargets} (the model's) when none were given. */
  public LoraConfig loraConfig(List<String> defaultTargets) {
    return new LoraConfig(
        loraRank,
        loraAlpha,
        loraDropout,
        loraTargetModules != null ? loraTargetModules : defaultTargets);
  }

  /** Where checkpoints go: {@link #checkpointDir()}, or the output folder. */
  public Path checkpoints() {
    return checkpointDir != null ? checkpointDir : output;
  }

  /** What adapter_config.json names as the base model: the Hub id, or the source as given. */
  public String baseModelName() {
    return model.startsWith("hf://") ? HubLocation.parse(model).repo() : model;
  }

  /** Collects a request; {@link #build()} checks what belongs together. */
  public static final class Builder {
    private String model;
    private Path adapter;
    private String data;
    private DataFormat format;
    private int maxLength = TrainingDefaults.MAX_LENGTH;
    private String evalData;
    private Integer evalMaxLength;
    private boolean packing;
    private Double validationSplit;
    private EarlyStopping earlyStopping;
    private SourceSettings sources = SourceSettings.fromEnvironment();
    private Path hubTokenFile;
    private MethodType method = MethodType.FULL;
    private int loraRank = TrainingDefaults.LORA_RANK;
    private double loraAlpha = TrainingDefaults.LORA_ALPHA;
    private double loraDropout = TrainingDefaults.LORA_DROPOUT;
    private List<String> loraTargetModules;
    private boolean mergeAdapter;
    private final TrainingOptions.Builder training = TrainingOptions.builder();
    private Double learningRate;
    private Path output;
    private Path checkpointDir;
    private Long checkpointVolumeBytes;
    private Map<String, String> dataDigests = Map.of();
    private long saveEverySteps;
    private int saveTotalLimit = TrainingDefaults.CHECKPOINT_KEEP_LAST;
    private boolean skipInvalidLines;
    private Duration stopGrace = Duration.ofSeconds(STOP_GRACE_SECONDS);
    private int progressPort = -1;
    private Path terminationMessagePath;
    private int logEverySteps = LOG_EVERY_STEPS;
    private boolean progressBar = true;

    private Builder() {}

    public Builder setModel(String model) {
      this.model = model;
      return this;
    }

    public Builder setData(String data) {
      this.data = data;
      return this;
    }

    public Builder setFormat(DataFormat format) {
      this.format = format;
      return this;
    }

    public Builder setOutput(Path output) {
      this.output = output;
      return this;
    }

    public Builder optAdapter(Path adapter) {
      this.adapter = adapter;
      return this;
    }

    public Builder optMaxLength(int maxLength) {
      this.maxLength = maxLength;
      return this;
    }

    public Builder optEvalData(String evalData) {
      this.evalData = evalData;
      return this;
    }

    public Builder optEvalMaxLength(int evalMaxLength) {
      this.evalMaxLength = evalMaxLength;
      return this;
    }

    public Builder optPacking(boolean packing) {
      this.packing = packing;
      return this;
    }

    public Builder optValidationSplit(double fraction) {
      this.validationSplit = fraction;
      return this;
    }

    public Builder optEarlyStopping(EarlyStopping earlyStopping) {
      this.earlyStopping = earlyStopping;
      return this;
    }

    public Builder optSources(SourceSettings sources) {
      this.sources = sources;
      return this;
    }

    /** The Hub token's file; it wins over the one in {@link #optSources}. */
    public Builder optHubTokenFile(Path file) {
      this.hubTokenFile = file;
      return this;
    }

    public Builder optMethod(MethodType method) {
      this.method = method;
      return this;
    }

    public Builder optLoraRank(int rank) {
      this.loraRank = rank;
      return this;
    }

    public Builder optLoraAlpha(double alpha) {
      this.loraAlpha = alpha;
      return this;
    }

    public Builder optLoraDropout(double dropout) {
      this.loraDropout = dropout;
      return this;
    }

    public Builder optLoraTargetModules(List<String> modules) {
      this.loraTargetModules = List.copyOf(modules);
      return this;
    }

    public Builder optMergeAdapter(boolean merge) {
      this.mergeAdapter = merge;
      return this;
    }

    /** The hyperparameters; the learning rate has its own setter (its default is per method). */
    public TrainingOptions.Builder training() {
      return training;
    }

    public Builder optLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder optCheckpointDir(Path dir) {
      this.checkpointDir = dir;
      return this;
    }

    public Builder optCheckpointVolumeBytes(long bytes) {
      this.checkpointVolumeBytes = bytes;
      return this;
    }

    public Builder optSaveEverySteps(long steps) {
      this.saveEverySteps = steps;
      return this;
    }

    public Builder optSaveTotalLimit(int keep) {
      this.saveTotalLimit = keep;
      return this;
    }

    public Builder optSkipInvalidLines(boolean skip) {
      this.skipInvalidLines = skip;
      return this;
    }

    public Builder optStopGrace(Duration grace) {
      this.stopGrace = grace;
      return this;
    }

    public Builder optProgressPort(int port) {
      this.progressPort = port;
      return this;
    }

    public Builder optTerminationMessagePath(Path path) {
      this.terminationMessagePath = path;
      return this;
    }

    public Builder optLogEverySteps(int steps) {
      this.logEverySteps = steps;
      return this;
    }

    public Builder optProgressBar(boolean bar) {
      this.progressBar = bar;
      return this;
    }

    /** Data sources must have these SHA-256 digests (what the prepare step read). */
    public Builder optDataDigests(Map<String, String> digests) {
      this.dataDigests = Map.copyOf(digests);
      return this;
    }

    public String model() {
      return model;
    }

    public String data() {
      return data;
    }

    public String evalData() {
      return evalData;
    }

    /** The output folder so far (a failure before build() still names it). */
    public Path output() {
      return output;
    }

    public Path terminationMessagePath() {
      return terminationMessagePath;
    }

    /**
     * The request; a configuration error (exit 78) names the flag that is missing or does not fit
     * with another.
     */
    public TrainRequest build() {
      required(model, "--model");
      required(data, "--data");
      required(format, "--format");
      required(output, "--output");
      TrainingOptions options =
          training
              .optLearningRate(
                  learningRate != null
                      ? learningRate
                      : method == MethodType.LORA
                          ? TrainingDefaults.LEARNING_RATE_LORA
                          : TrainingDefaults.LEARNING_RATE_FULL)
              .build();
      if (options.warmupRatio() > 0 && options.warmupSteps() > 0) {
        throw TrainerException.config("give either --warmup-steps or --warmup-ratio, not both");
      }
      if (method != MethodType.LORA && mergeAdapter) {
        throw TrainerException.config("--merge-adapter needs --method lora");
      }
      if (evalData != null && validationSplit != null) {
        throw TrainerException.config("give either --eval-data or --validation-split, not both");
      }
      if (earlyStopping != null && evalData == null && validationSplit == null) {
        throw TrainerException.config(
            "early stopping needs validation data: --eval-data or --validation-split");
      }
      if (method == MethodType.LORA && adapter != null) {
        throw TrainerException.config("--adapter cannot be combined with --method lora training");
      }
      return new TrainRequest(
          model,
          adapter,
          data,
          format,
          maxLength,
          evalData,
          evalMaxLength,
          packing,
          validationSplit,
          earlyStopping,
          hubTokenFile != null ? sources.withTokenFile(hubTokenFile) : sources,
          method,
          loraRank,
          loraAlpha,
          loraDropout,
          loraTargetModules,
          mergeAdapter,
          options,
          output,
          checkpointDir,
          checkpointVolumeBytes,
          saveEverySteps,
          saveTotalLimit,
          skipInvalidLines,
          stopGrace,
          progressPort,
          terminationMessagePath,
          logEverySteps,
          progressBar,
          dataDigests);
    }

    private static void required(Object value, String flag) {
      if (value == null) {
        throw TrainerException.config("Missing required option: '" + flag + "'");
      }
    }
  }
}
