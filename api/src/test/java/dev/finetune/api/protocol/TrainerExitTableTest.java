/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The exit-code table is the one description of the codes: the docs and the constants follow it.
 */
class TrainerExitTableTest {
  private static final Path README = Path.of("../README.md");
  private static final String BEGIN = "<!-- exit-codes:";
  private static final String END = "<!-- /exit-codes -->";

  @Test
  void theReadmeListsExactlyTheTablesRows() throws IOException {
    String readme = Files.readString(README);
    int begin = readme.indexOf('\n', readme.indexOf(BEGIN)) + 1;
    String documented = readme.substring(begin, readme.indexOf(END));
    assertThat(documented)
        .as("the README's exit-code table differs from TrainerExit; replace it with this")
        .isEqualTo(markdown());
  }

  @Test
  void eachIntConstantIsTheCodeOfTheRowOfItsName() throws IllegalAccessException {
    for (Field f : TrainerExitCodes.class.getFields()) {
      if (!Modifier.isStatic(f.getModifiers()) || f.getName().equals("SUCCESS")) {
        continue;
      }
      assertThat(TrainerExit.valueOf(f.getName()).code()).as(f.getName()).isEqualTo(f.getInt(null));
    }
  }

  @Test
  void codesAreDistinctFailuresAndEveryPermanentOneHasAReason() {
    assertThat(Arrays.stream(TrainerExit.values()).map(TrainerExit::code))
        .doesNotHaveDuplicates()
        .doesNotContain(0);
    for (TrainerExit e : TrainerExit.values()) {
      assertThat(e.retried() || e.reason().isPresent())
          .as("%s fails the Job at once, so it needs a reason of its own", e)
          .isTrue();
    }
    assertThat(TrainerExit.of(TrainerExitCodes.STORAGE_FULL).flatMap(TrainerExit::prepareReason))
        .contains(PrepareResult.INSUFFICIENT_STORAGE);
    assertThat(TrainerExit.of(1)).isEmpty();
  }

  /** The README's table: one row per entry, in the table's order. */
  private static String markdown() {
    return "| Code | Reason | Retried | The trainer… | What to do |\n|---|---|---|---|---|\n"
        + Arrays.stream(TrainerExit.values())
            .map(
                e ->
                    "| "
                        + e.code()
                        + " | "
                        + reasons(e)
                        + " | "
                        + (e.retried() ? "yes" : "no: the Job fails at once")
                        + " | "
                        + e.meaning()
                        + " | "
                        + e.advice()
                        + " |\n")
            .collect(Collectors.joining());
  }

  private static String reasons(TrainerExit e) {
    if (e.reason().isEmpty()) {
      return "none of its own: `TrainerCrashed` (`PrepareFailed`) once the retries are spent";
    }
    String reason = "`" + e.reason().get() + "`";
    return e.prepareReason().equals(e.reason())
        ? reason
        : reason + " (prepare step: `" + e.prepareReason().orElseThrow() + "`)";
  }
}
