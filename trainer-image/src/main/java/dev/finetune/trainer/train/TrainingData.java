/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.LineError;
import dev.finetune.trainer.data.SequencePacker;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.data.ValidationSplit;
import dev.finetune.trainer.io.FileDigest;
import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.source.SourceResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a run trains and validates on, built from its request with the model's tokenizer: the
 * training file's examples (split for validation, then packed, as asked), the validation examples,
 * and the bad lines skipped. Training and the prepare step build it the same way, so the counts
 * prepare reports are the ones training sees.
 *
 * @param train what the loop steps over: examples, or packed sequences
 * @param validation held-out or validation-file examples (never packed)
 * @param counts examples (not sequences) that train and validate
 * @param trainFile the training file as resolved (downloaded) on this machine
 * @param validationFile the validation file as resolved, or null
 * @param skipped bad lines of the training file skipped with skipInvalidLines
 * @param truncated training examples maxLength cut (counted before packing)
 */
public record TrainingData(
    List<Example> train,
    List<Example> validation,
    TrainingRun.DataCounts counts,
    Path trainFile,
    Path validationFile,
    List<LineError> skipped,
    long truncated) {

  /** Loads and builds the data of {@code request}; bad lines stop it (exit 65) unless skipped. */
  public static TrainingData load(
      TrainRequest request,
      SourceResolver sources,
      TextTokenizer tokenizer,
      ModelConfig config,
      Path modelDir) {
    ExampleBuilder builder =
        ExampleBuilder.forModel(tokenizer, config, modelDir, request.inputs().maxLength());
    Path trainFile =
        checked(request, request.inputs().data(), sources.dataFile(request.inputs().data()));
    Datasets.Loaded loaded =
        Datasets.load(
            trainFile,
            request.inputs().data(),
            request.inputs().format(),
            builder,
            request.inputs().skipInvalidLines());
    if (!loaded.skipped().isEmpty()) {
      System.err.println(
          "skipped "
              + loaded.skipped().size()
              + " invalid line(s): "
              + Datasets.describe(request.inputs().data(), loaded.skipped()));
    }
    List<Example> examples = loaded.examples();
    List<Example> validation = List.of();
    Path validationFile = null;
    if (request.inputs().validationSplit() != null) {
      ValidationSplit.Parts parts =
          ValidationSplit.split(
              examples, request.inputs().validationSplit(), request.training().seed());
      examples = parts.train();
      validation = parts.validation();
      System.out.println(
          "validation split "
              + request.inputs().validationSplit()
              + ": "
              + examples.size()
              + " examples train, "
              + validation.size()
              + " validate");
    } else if (request.inputs().evalData() != null) {
      ExampleBuilder evalBuilder =
          request.inputs().evalMaxLength() == null
              ? builder
              : ExampleBuilder.forModel(
                  tokenizer, config, modelDir, request.inputs().evalMaxLength());
      validationFile =
          checked(
              request, request.inputs().evalData(), sources.dataFile(request.inputs().evalData()));
      validation =
          Datasets.load(
                  validationFile,
                  request.inputs().evalData(),
                  request.inputs().format(),
                  evalBuilder,
                  false)
              .examples();
    }
    // Counted before packing: how many examples, not sequences, train.
    TrainingRun.DataCounts counts = new TrainingRun.DataCounts(examples.size(), validation.size());
    long truncated = examples.stream().filter(Example::truncated).count();
    if (request.inputs().packing()) {
      examples = packed(examples, request.inputs().maxLength());
    }
    return new TrainingData(
        examples, validation, counts, trainFile, validationFile, loaded.skipped(), truncated);
  }

  /**
   * {@code file} (resolved from {@code source}) after checking it has the digest the prepare step
   * saw, when there was one: a file edited since then would train on other bytes than were checked.
   */
  private static Path checked(TrainRequest request, String source, Path file) {
    String expected = request.inputs().dataDigests().get(source);
    if (expected == null) {
      return file;
    }
    try {
      String actual = FileDigest.of(file).sha256();
      if (!actual.equals(expected)) {
        throw TrainerException.config(
            source
                + " changed since the prepare step checked it (SHA-256 "
                + actual
                + ", prepare saw "
                + expected
                + "); restore it, or prepare again (a FineTuneJob: create it again)");
      }
      return file;
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + source + ": " + e.getMessage());
    }
  }

  /** Packs the training examples (after the split: held-out ones are never packed in). */
  private static List<Example> packed(List<Example> examples, int maxLength) {
    List<Example> sequences = SequencePacker.pack(examples, maxLength);
    long tokens = examples.stream().mapToLong(Example::length).sum();
    System.out.printf(
        "packing: %d examples (%d tokens) in %d sequences of at most %d tokens, %.1f%% full%n",
        examples.size(),
        tokens,
        sequences.size(),
        maxLength,
        100.0 * tokens / ((long) sequences.size() * maxLength));
    return sequences;
  }
}
