/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads a JSONL file into examples, stopping with the bad lines named unless told to skip them. */
public final class Datasets {
  /** Bad lines listed in an error message before "and N more". */
  static final int LISTED_ERRORS = 20;

  /** Characters of bad lines listed in an error message before "and N more". */
  static final int LISTED_CHARS = 240;

  /** Examples, and how many bad lines were skipped. */
  public record Loaded(List<Example> examples, List<LineError> skipped) {}

  private Datasets() {}

  /** As {@link #load(Path, String, DataFormat, ExampleBuilder, boolean)}, named by its path. */
  public static Loaded load(
      Path file, DataFormat format, ExampleBuilder builder, boolean skipInvalidLines) {
    return load(file, file.toString(), format, builder, skipInvalidLines);
  }

  /**
   * @param name the file as the user named it (its source: {@code hf://datasets/...}, a path), not
   *     where a download put it: what messages say
   */
  public static Loaded load(
      Path file, String name, DataFormat format, ExampleBuilder builder, boolean skipInvalidLines) {
    JsonlScan.Result scan = JsonlScan.scan(file, format, JsonlScan.DEFAULT_MAX_LINE_BYTES);
    List<Example> examples = new ArrayList<>();
    List<LineError> errors = new ArrayList<>(scan.errors());
    for (JsonlScan.Record record : scan.records()) {
      try {
        examples.add(builder.build(record, format));
      } catch (RejectedLine e) {
        errors.add(new LineError(record.line(), e.getMessage()));
      }
    }
    errors.sort(Comparator.comparingLong(LineError::line));
    if (!errors.isEmpty() && !skipInvalidLines) {
      throw TrainerException.data(
          describe(name, errors)
              + "; fix these lines, or the format if the file is not "
              + format.wireName());
    }
    if (examples.isEmpty()) {
      throw TrainerException.data(
          name + " has no valid lines; give a JSONL file in the " + format.wireName() + " format");
    }
    return new Loaded(examples, errors);
  }

  /**
   * The bad lines of the file {@code name}: "N invalid line(s): NAME line 3: why; line 5: why; and
   * K more". The list stops at {@link #LISTED_ERRORS} lines or {@link #LISTED_CHARS} characters, so
   * that what follows it (what to change) survives the status message's length limit.
   */
  public static String describe(String name, List<LineError> errors) {
    StringBuilder listed = new StringBuilder();
    int shown = 0;
    for (LineError e : errors) {
      if (shown == LISTED_ERRORS || (shown > 0 && listed.length() > LISTED_CHARS)) {
        break;
      }
      listed.append(shown == 0 ? name + " " : "; ").append(e);
      shown++;
    }
    int more = errors.size() - shown;
    return errors.size()
        + " invalid line(s): "
        + listed
        + (more > 0 ? "; and " + more + " more" : "");
  }
}
