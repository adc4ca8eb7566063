/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads OUTPUT/trainer_state.json's log_history the way the tests compare runs. */
final class TrainerStateLog {
  private TrainerStateLog() {}

  /** The training loss of every step, in step order. */
  static List<Double> losses(Path out) throws IOException {
    List<Double> losses = new ArrayList<>();
    for (JsonNode h : history(out)) {
      if (h.has("loss")) {
        losses.add(h.get("loss").asDouble());
      }
    }
    return losses;
  }

  /** The last evaluation loss, or NaN if there was none. */
  static double lastEvalLoss(Path out) throws IOException {
    double last = Double.NaN;
    for (JsonNode h : history(out)) {
      if (h.has("eval_loss")) {
        last = h.get("eval_loss").asDouble();
      }
    }
    return last;
  }

  /** The lowest evaluation loss of the run, or NaN if there was none. */
  static double bestEvalLoss(Path out) throws IOException {
    double best = Double.NaN;
    for (JsonNode h : history(out)) {
      if (h.has("eval_loss") && !(h.get("eval_loss").asDouble() >= best)) {
        best = h.get("eval_loss").asDouble();
      }
    }
    return best;
  }

  private static JsonNode history(Path out) throws IOException {
    return new ObjectMapper()
        .readTree(out.resolve("trainer_state.json").toFile())
        .get("log_history");
  }
}
