/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.trainer.TrainerException;
import java.nio.file.Path;

/**
 * A config.json object (or an object inside it) with the file it came from, so that every error
 * names the file and the field. A key that is absent or {@code null} takes the default of the
 * transformers config class, as {@code from_pretrained} does.
 */
record ConfigJson(JsonNode node, Path file, String path) {
  static ConfigJson root(JsonNode node, Path file) {
    return new ConfigJson(node, file, "");
  }

  /** The object under {@code key} (may be absent: then every read gives its default). */
  ConfigJson child(String key) {
    return new ConfigJson(node.path(key), file, field(key) + ".");
  }

  boolean has(String key) {
    JsonNode v = node.path(key);
    return !v.isMissingNode() && !v.isNull();
  }

  JsonNode raw(String key) {
    return node.path(key);
  }

  int requiredInt(String key) {
    if (!node.path(key).isNumber()) {
      throw error(key, "is missing or not a number");
    }
    return node.get(key).asInt();
  }

  int intOr(String key, int fallback) {
    return has(key) ? number(key).asInt() : fallback;
  }

  double doubleOr(String key, double fallback) {
    return has(key) ? number(key).asDouble() : fallback;
  }

  /**
   * For settings where an explicit {@code null} turns a feature off but an absent key means the
   * class default (Gemma 2's soft-capping, Mistral's sliding_window): 0 for null.
   */
  double doubleOrOff(String key, double defaultWhenAbsent) {
    JsonNode v = node.path(key);
    if (v.isMissingNode()) {
      return defaultWhenAbsent;
    }
    return v.isNull() ? 0 : number(key).asDouble();
  }

  boolean boolOr(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    if (!node.get(key).isBoolean()) {
      throw error(key, "is not true or false");
    }
    return node.get(key).asBoolean();
  }

  String textOr(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    if (!node.get(key).isTextual()) {
      throw error(key, "is not a string");
    }
    return node.get(key).asText();
  }

  double[] doubles(String key, int length) {
    JsonNode v = node.path(key);
    if (!v.isArray() || v.size() != length) {
      throw error(key, "must be a list of " + length + " numbers (one per rotary frequency)");
    }
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      if (!v.get(i).isNumber()) {
        throw error(key, "holds a non-number at index " + i);
      }
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  /** The full dotted name of {@code key}, e.g. {@code rope_scaling.rope_type}. */
  String field(String key) {
    return path + key;
  }

  /** A config error naming the file and the field: {@code <file>: <field> <problem>}. */
  TrainerException error(String key, String problem) {
    return TrainerException.config(file + ": " + field(key) + " " + problem);
  }

  /** The refusal of a value whose math the trainer does not implement. */
  TrainerException unsupported(String key, Object value, String supported) {
    return error(
        key,
        (value instanceof String ? "\"" + value + "\"" : String.valueOf(value))
            + " is not supported (supported: "
            + supported
            + ")");
  }

  private JsonNode number(String key) {
    JsonNode v = node.get(key);
    if (!v.isNumber()) {
      throw error(key, "is not a number");
    }
    return v;
  }
}
