/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.JsonlScan;
import dev.finetune.trainer.data.LineError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A task file: JSONL, one example per line in its type's shape. {@link #check} names every bad line
 * with its number and reason without a model (the prepare step runs it before a GPU is paid for);
 * {@link #read} returns the examples, or stops with the bad lines named.
 */
public final class TaskFile {
  private TaskFile() {}

  /** Every line of the file checked against the shape: the valid lines and the bad ones. */
  public static JsonlScan.Result check(Path file, EvaluationTaskType type) {
    return JsonlScan.scan(file, node -> rule(node, type), JsonlScan.DEFAULT_MAX_LINE_BYTES);
  }

  /**
   * The examples, in file order; a bad line (or none valid) stops with a data error naming them.
   */
  public static List<TaskItem> read(Path file, EvaluationTaskType type) {
    JsonlScan.Result scan = check(file, type);
    String name = file.getFileName().toString();
    if (!scan.errors().isEmpty()) {
      throw TrainerException.data(
          Datasets.describe(name, scan.errors())
              + "; fix these lines, or the task type if the file is not a "
              + type.wireName()
              + " task");
    }
    if (scan.records().isEmpty()) {
      throw TrainerException.data(
          name + " has no lines; give a JSONL file of " + type.wireName() + " examples");
    }
    List<TaskItem> items = new ArrayList<>(scan.records().size());
    for (JsonlScan.Record r : scan.records()) {
      items.add(item(r.line(), r.json(), type));
    }
    return items;
  }

  /** The reason {@code line} is not an example of {@code type}, or empty. */
  static Optional<String> rule(JsonNode line, EvaluationTaskType type) {
    return switch (type) {
      case MULTIPLE_CHOICE ->
          string(line, "context", true).or(() -> choices(line)).or(() -> answer(line));
      case LOGLIKELIHOOD ->
          string(line, "context", true).or(() -> string(line, "continuation", false));
      case GENERATE -> string(line, "prompt", false).or(() -> string(line, "expected", true));
    };
  }

  private static TaskItem item(long number, JsonNode json, EvaluationTaskType type) {
    return switch (type) {
      case MULTIPLE_CHOICE -> {
        List<String> choices = new ArrayList<>();
        json.get("choices").forEach(c -> choices.add(c.asText()));
        yield new TaskItem.MultipleChoice(
            number, json.get("context").asText(), choices, json.get("answer").asInt());
      }
      case LOGLIKELIHOOD ->
          new TaskItem.Continuation(
              number, json.get("context").asText(), json.get("continuation").asText());
      case GENERATE ->
          new TaskItem.Generation(
              number, json.get("prompt").asText(), json.get("expected").asText());
    };
  }

  private static Optional<String> string(JsonNode line, String field, boolean mayBeEmpty) {
    JsonNode value = line.get(field);
    if (value == null) {
      return Optional.of("missing field \"" + field + "\"");
    }
    if (!value.isTextual()) {
      return Optional.of(
          "field \"" + field + "\" must be a string, found " + JsonlScan.kind(value));
    }
    if (!mayBeEmpty && value.asText().isEmpty()) {
      return Optional.of("field \"" + field + "\" is empty");
    }
    return Optional.empty();
  }

  private static Optional<String> choices(JsonNode line) {
    JsonNode choices = line.get("choices");
    if (choices == null) {
      return Optional.of("missing field \"choices\"");
    }
    if (!choices.isArray()) {
      return Optional.of(
          "field \"choices\" must be a list of strings, found " + JsonlScan.kind(choices));
    }
    if (choices.size() < 2) {
      return Optional.of(
          "field \"choices\" has " + choices.size() + " choice(s): a question needs at least 2");
    }
    for (int i = 0; i < choices.size(); i++) {
      JsonNode c = choices.get(i);
      if (!c.isTextual()) {
        return Optional.of("choices[" + i + "] must be a string, found " + JsonlScan.kind(c));
      }
      if (c.asText().isEmpty()) {
        // acc_norm divides by the choice's length, and lm-eval cannot score an empty continuation.
        return Optional.of("choices[" + i + "] is empty");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> answer(JsonNode line) {
    JsonNode answer = line.get("answer");
    if (answer == null) {
      return Optional.of("missing field \"answer\"");
    }
    if (!answer.isIntegralNumber()) {
      return Optional.of(
          "field \"answer\" must be the right choice's index (an integer from 0), found "
              + (answer.isNumber() ? answer.asText() : JsonlScan.kind(answer)));
    }
    int n = line.get("choices").size();
    if (!answer.canConvertToInt() || answer.asInt() < 0 || answer.asInt() >= n) {
      return Optional.of(
          "field \"answer\" is "
              + answer.asText()
              + ": not the index of one of the "
              + n
              + " choices (0 to "
              + (n - 1)
              + ")");
    }
    return Optional.empty();
  }

  /** A bad line found once tokenized (a context with no tokens, a continuation too long). */
  static TrainerException tokenError(Path file, List<LineError> errors) {
    return TrainerException.data(Datasets.describe(file.getFileName().toString(), errors));
  }
}
