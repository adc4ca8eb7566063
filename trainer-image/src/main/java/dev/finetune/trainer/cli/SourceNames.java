/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.trainer.TrainerException;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names files in a failure message as the user wrote them: a path under a claim the operator
 * mounted (the trainer config's {@code volumes}) becomes that claim's {@code pvc://} location, so
 * the termination message (the FineTuneJob's status) and the log both say {@code
 * pvc://data/train.jsonl line 3}, not {@code /mnt/pvc/data/train.jsonl}. The layers below name the
 * paths they were given; this is the one place that knows where those came from.
 */
final class SourceNames {
  private static final SourceNames NONE = new SourceNames(List.of());

  /** Mount path (as a pattern matching it at the start of a path) and the location it names. */
  private record Rule(Pattern path, String source) {}

  private final List<Rule> rules;

  private SourceNames(List<Rule> rules) {
    this.rules = rules;
  }

  static SourceNames none() {
    return NONE;
  }

  static SourceNames of(TrainerConfig config) {
    if (config.volumes() == null) {
      return NONE;
    }
    return new SourceNames(
        config.volumes().stream()
            .filter(v -> v.path() != null && v.source() != null)
            // A claim mounted inside another's folder is named by its own, longer path.
            .sorted(
                Comparator.comparingInt((TrainerConfig.Volume v) -> v.path().length()).reversed())
            .map(
                v ->
                    new Rule(
                        Pattern.compile(
                            "(?<![\\w./-])" + Pattern.quote(strip(v.path())) + "(?![\\w.-])"),
                        v.source()))
            .toList());
  }

  /** {@code e} with its paths named; the same exit code. */
  TrainerException named(TrainerException e) {
    String message = name(e.getMessage());
    return message.equals(e.getMessage()) ? e : new TrainerException(message, e.exitCode());
  }

  String name(String message) {
    if (message == null) {
      return null;
    }
    String named = message;
    for (Rule rule : rules) {
      named = rule.path().matcher(named).replaceAll(Matcher.quoteReplacement(rule.source()));
    }
    return named;
  }

  private static String strip(String path) {
    return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
  }
}
