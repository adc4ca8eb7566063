/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.trainer.TrainerException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The operator's config mapped onto options: each group's flags class maps its fields with {@link
 * #map}, beside its {@code @Option} fields, so an option's flag and its FineTuneJob field are
 * declared in one place. Remembers which FineTuneJob field each option came from, which refusals
 * then name.
 */
final class ConfigFields {
  private final Map<String, String> fields = new HashMap<>();

  /**
   * Sets the option of {@code flag} to {@code value} unless it is null, and names the option by
   * {@code field} either way: in the FineTuneJob, that is where the user sets it.
   */
  <T> void map(T value, String flag, String field, Consumer<T> setter) {
    fields.put(flag, field);
    if (value != null) {
      setter.accept(value);
    }
  }

  /** Names the option of {@code flag} by {@code field}, whose value another mapping sets. */
  void name(String flag, String field) {
    fields.put(flag, field);
  }

  /** How a refusal names the option of {@code flag}: its FineTuneJob field, if it has one. */
  String nameOf(String flag) {
    return fields.getOrDefault(flag, flag);
  }

  static <T> T required(T value, String field) {
    if (value == null) {
      throw TrainerException.config("the trainer config has no " + field);
    }
    return value;
  }
}
