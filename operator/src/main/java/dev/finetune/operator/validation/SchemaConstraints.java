/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.validation;

import dev.finetune.api.v1alpha1.Accepted;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an object against the same annotations ({@code @Required}, {@code @Min}, {@code @Max},
 * {@code @Pattern}, {@code @Size}) that generate the CRD's OpenAPI schema, so the operator rejects
 * exactly what the API server would have rejected when that validation was bypassed (an old CRD, a
 * client that skipped it). One source of truth: the constraint is written once, on the field. A
 * pattern's refusal says what is accepted ({@link Accepted}), never the regular expression.
 */
final class SchemaConstraints {
  private static final String API_PACKAGE = "dev.finetune.api.";
  private static final Map<String, java.util.regex.Pattern> PATTERNS = new ConcurrentHashMap<>();

  private SchemaConstraints() {}

  /** Violations under {@code path} (e.g. "spec"), each naming the field. */
  static List<String> check(Object value, String path) {
    List<String> errors = new ArrayList<>();
    checkObject(value, path, errors);
    return errors;
  }

  private static void checkObject(Object object, String path, List<String> errors) {
    if (object == null || !object.getClass().getName().startsWith(API_PACKAGE)) {
      return;
    }
    for (Field field : object.getClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      field.setAccessible(true);
      Object value;
      try {
        value = field.get(object);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      checkField(field, value, path + "." + field.getName(), errors);
    }
  }

  private static void checkField(Field field, Object value, String path, List<String> errors) {
    if (value == null) {
      if (field.isAnnotationPresent(Required.class)) {
        errors.add(path + " is required");
      }
      return;
    }
    Min min = field.getAnnotation(Min.class);
    if (min != null && value instanceof Number number) {
      double v = number.doubleValue();
      if (min.inclusive() ? v < min.value() : v <= min.value()) {
        errors.add(
            path
                + " must be "
                + (min.inclusive() ? ">= " : "> ")
                + format(min.value())
                + ", got "
                + value);
      }
    }
    Max max = field.getAnnotation(Max.class);
    if (max != null && value instanceof Number number) {
      double v = number.doubleValue();
      if (max.inclusive() ? v > max.value() : v >= max.value()) {
        errors.add(
            path
                + " must be "
                + (max.inclusive() ? "<= " : "< ")
                + format(max.value())
                + ", got "
                + value);
      }
    }
    Size size = field.getAnnotation(Size.class);
    if (size != null) {
      long length = length(value);
      if (length >= 0 && (length < size.min() || length > size.max())) {
        errors.add(
            path
                + " must have between "
                + size.min()
                + " and "
                + size.max()
                + " "
                + (value instanceof String ? "characters" : "entries")
                + ", got "
                + length);
      }
    }
    Pattern pattern = field.getAnnotation(Pattern.class);
    if (pattern != null && value instanceof String s && !matches(pattern.value(), s)) {
      // What is accepted, in words: the pattern itself is for the API server, not for people.
      errors.add(path + " is not valid: \"" + abbreviate(s) + "\"; write it as " + accepted(field));
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        checkObject(item, path + "[" + i++ + "]", errors);
      }
    } else {
      checkObject(value, path, errors);
    }
  }

  /** The field's {@link Accepted} text; a field without one is a bug its test catches. */
  static String accepted(Field field) {
    Accepted accepted = field.getAnnotation(Accepted.class);
    if (accepted == null) {
      throw new IllegalStateException(field + " has @Pattern but no @Accepted");
    }
    return accepted.value();
  }

  private static boolean matches(String regex, String value) {
    return PATTERNS
        .computeIfAbsent(regex, java.util.regex.Pattern::compile)
        .matcher(value)
        .matches();
  }

  private static long length(Object value) {
    if (value instanceof String s) {
      return s.length();
    }
    if (value instanceof Collection<?> c) {
      return c.size();
    }
    if (value instanceof Map<?, ?> m) {
      return m.size();
    }
    return -1;
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
