/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a JSONL file into examples, stopping with the bad lines named unless told to skip them. */
public final class Datasets {
  /** Bad lines listed in an error message before "and N more". */
  static final int LISTED_ERRORS = 20;

  /** Examples, and how many bad lines were skipped. */
  public record Loaded(List<Example> examples, List<LineError> skipped) {}

  private Datasets() {}

  public static Loaded load(
      Path file, DataFormat format, ExampleBuilder builder, boolean skipInvalidLines) {
    JsonlScan.Result scan = JsonlScan.scan(file, format, JsonlScan.DEFAULT_MAX_LINE_BYTES);
    if (!scan.errors().isEmpty() && !skipInvalidLines) {
      throw TrainerException.data(describe(file, scan.errors()));
    }
    if (scan.records().isEmpty()) {
      throw TrainerException.data(file + ": no valid lines");
    }
    List<Example> examples =
        scan.records().stream().map(r -> builder.build(r, format)).collect(Collectors.toList());
    return new Loaded(examples, scan.errors());
  }

  public static String describe(Path file, List<LineError> errors) {
    String listed =
        errors.stream()
            .limit(LISTED_ERRORS)
            .map(e -> file.getFileName() + " " + e)
            .collect(Collectors.joining("; "));
    int more = errors.size() - LISTED_ERRORS;
    return errors.size()
        + " invalid line(s) in "
        + file
        + ": "
        + listed
        + (more > 0 ? "; and " + more + " more" : "");
  }
}
