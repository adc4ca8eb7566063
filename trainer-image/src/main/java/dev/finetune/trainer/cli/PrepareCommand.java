/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.prepare.Preparation;
import dev.finetune.trainer.train.TrainRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code prepare}: the checks that need no GPU, run before the trainer (the operator's prepare Job
 * runs it on a CPU node). Writes {@code prepare-report.json} into the output folder and the same
 * JSON as the termination message.
 */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = {
      "Stages and checks a training run without a GPU: downloads and pins the model and data,",
      "checks the model's config, tokenizer, LoRA targets and max length, builds every example",
      "with the model's tokenizer (bad lines by number), counts examples, tokens and steps,",
      "estimates training memory and checks the storage. Takes the options of train.",
      "Exit 0, or 65 (bad data), 78 (configuration or unsupported model), 73 (not enough storage)."
    })
final class PrepareCommand implements Callable<Integer> {
  static final String REPORT = Preparation.REPORT;

  /** A pod's termination message holds at most 4 KiB. */
  static final int MAX_MESSAGE = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--config", description = "Trainer config JSON written by the operator.")
  Path config;

  @Option(
      names = "--report",
      description = "Where the report goes (default: " + REPORT + " in the output folder).")
  Path report;

  @Mixin TrainOptions options;

  @Override
  public Integer call() {
    TrainRequest.Builder builder = TrainRequest.builder();
    PrepareResult result;
    SourceNames names = SourceNames.none();
    try {
      if (config != null) {
        TrainerConfig read = TrainerConfigRequest.read(config);
        names = SourceNames.of(read);
        builder = TrainerConfigRequest.builder(read);
      }
      TrainRequest request = options.applyTo(builder).build();
      result = new Preparation(request).run();
    } catch (TrainerException e) {
      String reason = e instanceof Preparation.Failure f ? f.reason() : PrepareResult.CONFIG_ERROR;
      // The status and the log get the same words, with files named as the user wrote them.
      TrainerException named = names.named(e);
      write(builder, failure(reason, named.getMessage()));
      throw named;
    }
    write(builder, result);
    System.out.println(summary(result));
    return 0;
  }

  private static PrepareResult failure(String reason, String message) {
    String error = String.valueOf(message).replaceAll("\\s+", " ");
    // Room for the rest of the JSON within the termination message's 4 KiB.
    if (error.length() > 3000) {
      error = error.substring(0, 2997) + "...";
    }
    return new PrepareResult("Failed", reason, error, null, null, null, null);
  }

  private void write(TrainRequest.Builder builder, PrepareResult result) {
    Path target = report;
    if (target == null && builder.checkpointing().output() != null) {
      target = builder.checkpointing().output().resolve(REPORT);
    }
    try {
      if (target != null) {
        Files.createDirectories(target.toAbsolutePath().getParent());
        JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(target.toFile(), result);
        System.out.println("report: " + target);
      }
      Path message = builder.reporting().terminationMessagePath();
      if (message != null) {
        byte[] bytes = JSON.writeValueAsBytes(result);
        if (bytes.length > MAX_MESSAGE) {
          // Only a long file list could get here: the counts matter more than the digests.
          bytes = JSON.writeValueAsBytes(withoutFiles(result));
        }
        Files.write(message, bytes);
      }
    } catch (IOException e) {
      System.err.println("warning: cannot write the prepare report: " + e.getMessage());
    }
  }

  private static PrepareResult withoutFiles(PrepareResult r) {
    PrepareResult.Dataset d = r.dataset();
    return new PrepareResult(
        r.status(),
        r.reason(),
        r.error(),
        r.model(),
        d == null
            ? null
            : new PrepareResult.Dataset(
                d.trainExamples(),
                d.validationExamples(),
                d.tokens(),
                d.truncated(),
                d.skippedLines(),
                d.sequences(),
                null),
        r.totalSteps(),
        r.storage());
  }

  private static String summary(PrepareResult r) {
    PrepareResult.Model m = r.model();
    PrepareResult.Dataset d = r.dataset();
    return String.format(
        java.util.Locale.ROOT,
        "prepared: %s%s, %,d parameters (%,d trained), about %.1f GiB to train; %d examples train,"
            + " %d validate, %,d tokens, %d truncated; %d steps",
        m.architecture(),
        m.revision() == null ? "" : " at " + m.revision(),
        m.parameters(),
        m.trainableParameters(),
        m.estimatedTrainingMemoryBytes() / (double) (1L << 30),
        d.trainExamples(),
        d.validationExamples(),
        d.tokens(),
        d.truncated(),
        r.totalSteps());
  }
}
