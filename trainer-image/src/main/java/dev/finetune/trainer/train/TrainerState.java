/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * trainer_state.json, in the shape of Hugging Face Trainer's file of that name, plus how many
 * examples trained and validated and, under float16 mixed precision, how many steps were skipped
 * because their gradients overflowed, and the micro-batch trained with ({@code train_batch_size},
 * as transformers records it for {@code auto_find_batch_size}: a resumed run goes on with it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainerState(
    @JsonProperty("global_step") long globalStep,
    @JsonProperty("max_steps") long maxSteps,
    @JsonProperty("num_train_epochs") double epochs,
    @JsonProperty("log_history") List<StepRecord> logHistory,
    @JsonProperty("train_examples") Long trainExamples,
    @JsonProperty("eval_examples") Long evalExamples,
    @JsonProperty("skipped_steps") Long skippedSteps,
    @JsonProperty("train_batch_size") Integer trainBatchSize) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temp.toFile(), this);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public static TrainerState read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), TrainerState.class);
  }
}
