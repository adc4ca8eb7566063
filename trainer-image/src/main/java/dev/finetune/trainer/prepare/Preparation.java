/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.prepare;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.JsonlScan;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.eval.TaskFile;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.ModelSize;
import dev.finetune.trainer.source.SourceResolver;
import dev.finetune.trainer.train.EvaluationOptions;
import dev.finetune.trainer.train.MemoryEstimate;
import dev.finetune.trainer.train.TrainRequest;
import dev.finetune.trainer.train.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The prepare step: everything about a run that can be known before a GPU is paid for. It stages
 * the model and data (downloads into the cache) and pins them, reads the model's config and
 * tokenizer and the checkpoint's tensor shapes (no weights), checks the LoRA targets and maxLength,
 * builds every example with the model's tokenizer exactly as training will ({@link TrainingData}),
 * counts what trains and the steps it takes, estimates the memory, and checks the storage. Each
 * failure carries the reason the FineTuneJob fails with.
 */
public final class Preparation {
  /** The report's file name, in the output folder. */
  public static final String REPORT = "prepare-report.json";

  private final TrainRequest request;

  public Preparation(TrainRequest request) {
    this.request = request;
  }

  /** A failed check: the reason (see {@link PrepareResult}) and the trainer's exit code. */
  public static final class Failure extends TrainerException {
    private final String reason;

    Failure(String reason, TrainerException cause) {
      super(cause.getMessage(), cause.exitCode());
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  public PrepareResult run() {
    SourceResolver sources = request.inputs().sources().resolver();
    Path modelDir =
        stage(
            PrepareResult.CONFIG_ERROR,
            () -> {
              Path dir = sources.model(request.inputs().model());
              if (!Files.isRegularFile(dir.resolve("config.json"))) {
                throw TrainerException.config(
                    request.inputs().model()
                        + " has no config.json; give the folder of a Hugging Face model:"
                        + " config.json, safetensors weights and the tokenizer files");
              }
              return dir;
            });
    ModelConfig config = stage(PrepareResult.MODEL_UNSUPPORTED, () -> ModelConfig.read(modelDir));
    try (TextTokenizer tokenizer =
        stage(PrepareResult.MODEL_UNSUPPORTED, () -> TextTokenizer.load(modelDir))) {
      ModelSize size =
          stage(
              PrepareResult.CONFIG_ERROR, () -> ModelSize.of(config, modelDir, loraConfig(config)));
      TrainingData data =
          stage(
              PrepareResult.DATA_ERROR,
              () -> TrainingData.load(request, sources, tokenizer, config, modelDir));
      stage(
          PrepareResult.DATA_ERROR,
          () -> {
            checkEvaluationTasks(sources);
            return null;
          });
      List<PrepareResult.Storage> storage =
          stage(
              PrepareResult.INSUFFICIENT_STORAGE, () -> StoragePlan.check(request, size, modelDir));
      return new PrepareResult(
          "Succeeded",
          null,
          null,
          new PrepareResult.Model(
              request.inputs().model(),
              Pins.revision(modelDir),
              config.modelType(),
              size.parameters(),
              size.trainable(),
              MemoryEstimate.bytes(config, size, request)),
          dataset(data),
          request.training().totalSteps(usable(data.train())),
          storage);
    }
  }

  private LoraConfig loraConfig(ModelConfig config) {
    return request.method().lora()
        ? request.method().loraConfig(ModelLoader.newBlock(config).defaultLoraTargets())
        : null;
  }

  private PrepareResult.Dataset dataset(TrainingData data) {
    List<PrepareResult.DataFile> files = new ArrayList<>();
    files.add(Pins.dataFile(request.inputs().data(), data.trainFile()));
    if (data.validationFile() != null) {
      files.add(Pins.dataFile(request.inputs().evalData(), data.validationFile()));
    }
    long tokens = data.train().stream().mapToLong(Example::tokens).sum();
    return new PrepareResult.Dataset(
        data.counts().train(),
        data.counts().validation(),
        tokens,
        data.truncated(),
        data.skipped().size(),
        request.inputs().packing() ? (long) data.train().size() : null,
        files);
  }

  /** What the loop steps over: examples (or sequences) with a token to learn. */
  private static int usable(List<Example> train) {
    return (int) train.stream().filter(e -> e.scoredCount() > 0).count();
  }

  /**
   * Every evaluation task's file, read and checked against its shape as the trainer will read it: a
   * bad line is a data error naming the file as the user gave it and the lines, before a GPU is
   * requested.
   */
  private void checkEvaluationTasks(SourceResolver sources) {
    for (EvaluationOptions.Task task : request.evaluation().tasks()) {
      Path file = sources.dataFile(task.source());
      JsonlScan.Result scan = TaskFile.check(file, task.type());
      if (!scan.errors().isEmpty()) {
        throw TrainerException.data(
            "evaluation task "
                + task.name()
                + ": "
                + Datasets.describe(task.source(), scan.errors())
                + "; fix these lines, or the task type if the file is not a "
                + task.type().wireName()
                + " task");
      }
      if (scan.records().isEmpty()) {
        throw TrainerException.data(
            "evaluation task "
                + task.name()
                + ": "
                + task.source()
                + " has no lines; give a JSONL file of "
                + task.type().wireName()
                + " examples");
      }
    }
  }

  /**
   * Runs one check; its failure becomes a {@link Failure} with {@code reason} — or DataError for a
   * bad line, whatever the stage.
   */
  private static <T> T stage(String reason, Supplier<T> check) {
    try {
      return check.get();
    } catch (Failure f) {
      throw f;
    } catch (TrainerException e) {
      String actual =
          switch (e.exitCode()) {
            case TrainerExitCodes.DATA_ERROR -> PrepareResult.DATA_ERROR;
            case TrainerExitCodes.STORAGE_FULL -> PrepareResult.INSUFFICIENT_STORAGE;
            default ->
                reason.equals(PrepareResult.DATA_ERROR) ? PrepareResult.CONFIG_ERROR : reason;
          };
      throw new Failure(actual, e);
    }
  }
}
