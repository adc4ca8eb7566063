/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL file line by line and checks each line against its format, keeping the valid
 * records and naming every bad line with its number and reason. Lines longer than a limit are
 * rejected without being held in memory.
 */
public final class JsonlScan {
  /** Default longest line: 16 MiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A valid line: its number and parsed object. */
  public record Record(long line, JsonNode json) {}

  /** Everything one pass over the file found. */
  public record Result(List<Record> records, List<LineError> errors, long lines) {}

  private JsonlScan() {}

  public static Result scan(Path file, DataFormat format, int maxLineBytes) {
    return scan(file, node -> RecordRules.check(node, format), maxLineBytes);
  }

  /**
   * As {@link #scan(Path, DataFormat, int)} with the rule for a line's JSON object given: it
   * returns the reason an object is bad (another file shape than the training formats: evaluation
   * tasks).
   */
  public static Result scan(
      Path file,
      java.util.function.Function<JsonNode, java.util.Optional<String>> rule,
      int maxLineBytes) {
    List<Record> records = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    long lines;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      lines =
          forEachLine(
              in,
              maxLineBytes,
              (number, bytes) -> {
                if (bytes == null) {
                  errors.add(
                      new LineError(number, "line is longer than " + maxLineBytes + " bytes"));
                  return;
                }
                check(number, bytes, rule)
                    .ifPresentOrElse(
                        errors::add, () -> records.add(new Record(number, parse(bytes))));
              });
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
    return new Result(records, errors, lines);
  }

  private static java.util.Optional<LineError> check(
      long number,
      byte[] bytes,
      java.util.function.Function<JsonNode, java.util.Optional<String>> rule) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return java.util.Optional.of(new LineError(number, "not valid UTF-8"));
    }
    if (text.isBlank()) {
      return java.util.Optional.of(new LineError(number, "blank line"));
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String why =
          e.getOriginalMessage().startsWith("Trailing token")
              ? "more than one JSON value on the line"
              : e.getOriginalMessage();
      return java.util.Optional.of(new LineError(number, "invalid JSON: " + why));
    }
    if (!node.isObject()) {
      return java.util.Optional.of(
          new LineError(number, "not a JSON object (found " + kind(node) + ")"));
    }
    return rule.apply(node).map(reason -> new LineError(number, reason));
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON value's kind for a message: "null", "an array", "a number", … */
  public static String kind(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return "a string";
  }

  /** Calls {@code action} per line (null bytes for an over-long line); returns the line count. */
  interface LineAction {
    void accept(long number, byte[] bytes);
  }

  static long forEachLine(InputStream in, int maxLineBytes, LineAction action) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean tooLong = false;
    long number = 0;
    boolean any = false;
    int b;
    while ((b = in.read()) != -1) {
      any = true;
      if (b == '\n') {
        number++;
        emit(number, line, tooLong, action);
        line.reset();
        tooLong = false;
        any = false;
        continue;
      }
      if (!tooLong) {
        if (line.size() >= maxLineBytes) {
          tooLong = true;
          line.reset();
        } else {
          line.write(b);
        }
      }
    }
    if (any) {
      number++;
      emit(number, line, tooLong, action);
    }
    return number;
  }

  private static void emit(
      long number, ByteArrayOutputStream line, boolean tooLong, LineAction action) {
    if (tooLong) {
      action.accept(number, null);
      return;
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') {
      bytes = java.util.Arrays.copyOf(bytes, n - 1);
    }
    action.accept(number, bytes);
  }
}
