/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.LineError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad task lines are named with their number and reason, before any model is loaded. */
class TaskFileTest {
  @TempDir Path dir;

  private Path file(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static List<String> errors(Path file, EvaluationTaskType type) {
    return TaskFile.check(file, type).errors().stream().map(LineError::toString).toList();
  }

  @Test
  void multipleChoiceLines() throws Exception {
    Path file =
        file(
            "mc.jsonl",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": 1}",
            "{\"choices\": [\" a\", \" b\"], \"answer\": 0}",
            "{\"context\": \"Q:\", \"choices\": \" a\", \"answer\": 0}",
            "{\"context\": \"Q:\", \"choices\": [\" a\"], \"answer\": 0}",
            "{\"context\": \"Q:\", \"choices\": [\" a\", 2], \"answer\": 0}",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \"\"], \"answer\": 0}",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"]}",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": 2}",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": \"1\"}",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": 0.5}",
            "{\"context\": \"\", \"choices\": [\" a\", \" b\"], \"answer\": 0}",
            "not json");
    assertThat(errors(file, EvaluationTaskType.MULTIPLE_CHOICE))
        .containsExactly(
            "line 2: missing field \"context\"",
            "line 3: field \"choices\" must be a list of strings, found a string",
            "line 4: field \"choices\" has 1 choice(s): a question needs at least 2",
            "line 5: choices[1] must be a string, found a number",
            "line 6: choices[1] is empty",
            "line 7: missing field \"answer\"",
            "line 8: field \"answer\" is 2: not the index of one of the 2 choices (0 to 1)",
            "line 9: field \"answer\" must be the right choice's index (an integer from 0), found a"
                + " string",
            "line 10: field \"answer\" must be the right choice's index (an integer from 0), found"
                + " 0.5",
            "line 12: invalid JSON: Unrecognized token 'not': was expecting (JSON String, Number,"
                + " Array, Object or token 'null', 'true' or 'false')");
    assertThat(TaskFile.check(file, EvaluationTaskType.MULTIPLE_CHOICE).records()).hasSize(2);
  }

  @Test
  void loglikelihoodAndGenerateLines() throws Exception {
    Path ll =
        file(
            "ll.jsonl",
            "{\"context\": \"\", \"continuation\": \"x\"}",
            "{\"context\": \"c\", \"continuation\": \"\"}",
            "{\"context\": null, \"continuation\": \"x\"}",
            "{\"prompt\": \"c\", \"completion\": \"x\"}");
    assertThat(errors(ll, EvaluationTaskType.LOGLIKELIHOOD))
        .containsExactly(
            "line 2: field \"continuation\" is empty",
            "line 3: field \"context\" must be a string, found null",
            "line 4: missing field \"context\"");
    Path gen =
        file(
            "gen.jsonl",
            "{\"prompt\": \"p\", \"expected\": \"\"}",
            "{\"prompt\": \"\", \"expected\": \"x\"}",
            "{\"prompt\": \"p\", \"expected\": [\"x\"]}",
            "[1]");
    assertThat(errors(gen, EvaluationTaskType.GENERATE))
        .containsExactly(
            "line 2: field \"prompt\" is empty",
            "line 3: field \"expected\" must be a string, found an array",
            "line 4: not a JSON object (found an array)");
  }

  @Test
  void readingStopsWithTheFileAndItsBadLinesNamed() throws Exception {
    Path file =
        file(
            "questions.jsonl",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": 1}",
            "{\"context\": \"Q:\", \"choices\": [\" a\", \" b\"], \"answer\": 5}");
    assertThatThrownBy(() -> TaskFile.read(file, EvaluationTaskType.MULTIPLE_CHOICE))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("questions.jsonl line 2: field \"answer\" is 5")
        .hasMessageContaining("a multipleChoice task")
        .satisfies(
            e ->
                assertThat(((TrainerException) e).exitCode())
                    .isEqualTo(TrainerExitCodes.DATA_ERROR));
    // The same file as another type: every line is bad.
    assertThat(errors(file, EvaluationTaskType.GENERATE)).hasSize(2);
  }

  @Test
  void readGivesTheExamplesInFileOrder() throws Exception {
    Path file =
        file(
            "mc.jsonl",
            "{\"context\": \"Q1\", \"choices\": [\" a\", \" b\"], \"answer\": 1, \"id\": 7}",
            "{\"context\": \"\", \"choices\": [\" c\", \" d\", \" e\"], \"answer\": 0}");
    assertThat(TaskFile.read(file, EvaluationTaskType.MULTIPLE_CHOICE))
        .containsExactly(
            new TaskItem.MultipleChoice(1, "Q1", List.of(" a", " b"), 1),
            new TaskItem.MultipleChoice(2, "", List.of(" c", " d", " e"), 0));
  }
}
