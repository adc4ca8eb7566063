/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator;

import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.operator.desired.StepJob;
import dev.finetune.operator.desired.TrainerVolumes;
import io.fabric8.generator.annotation.Pattern;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a message shown to a user (a status message, an Event) must not contain: a regular
 * expression, or a path as the trainer pod mounts it (the user wrote {@code pvc://claim/path}).
 * Shared by the validator's tests and the mock-API and end-to-end tests of failed jobs.
 */
public final class UserTerms {
  /** Pieces of regular-expression syntax that no sentence has. */
  private static final List<String> REGEX_SIGNS =
      List.of("^", "$", "[A-Za-z", "[a-z0-9", "[^", "(?:", "\\d", "\\s", "]*", "]+", ")?", ")*");

  /** A mount root at the start of a path (not inside pvc://claim/workspace/...). */
  private static final java.util.regex.Pattern MOUNT_PATH =
      java.util.regex.Pattern.compile(
          "(?<![\\w.:/-])("
              + Stream.of(
                      TrainerVolumes.WORKSPACE,
                      TrainerVolumes.CLAIMS_ROOT,
                      TrainerVolumes.CONFIG_DIR,
                      TrainerVolumes.TOKEN_DIR,
                      StepJob.TERMINATION_MESSAGE_PATH)
                  .map(java.util.regex.Pattern::quote)
                  .collect(Collectors.joining("|"))
              + ")(?![\\w.-])");

  private UserTerms() {}

  /** What is wrong with {@code message}; empty when it is in the user's terms. */
  public static List<String> violations(String message) {
    List<String> found = new ArrayList<>();
    if (message == null) {
      return found;
    }
    REGEX_SIGNS.stream()
        .filter(message::contains)
        .forEach(s -> found.add("regular-expression syntax " + s));
    patterns().stream().filter(message::contains).forEach(p -> found.add("the CRD's pattern " + p));
    Matcher m = MOUNT_PATH.matcher(message);
    while (m.find()) {
      found.add("the pod mount path " + m.group(1));
    }
    return found;
  }

  /** Every {@code @Pattern} of the FineTuneJob's spec types. */
  public static Set<String> patterns() {
    return patternFields().stream()
        .map(f -> f.getAnnotation(Pattern.class).value())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Every field of the spec types that has a {@code @Pattern}. */
  public static List<Field> patternFields() {
    List<Field> fields = new ArrayList<>();
    walk(FineTuneJobSpec.class, fields, new LinkedHashSet<>());
    return fields;
  }

  private static void walk(Class<?> type, List<Field> fields, Set<Class<?>> seen) {
    if (!type.getName().startsWith("dev.finetune.api.") || !seen.add(type)) {
      return;
    }
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      if (field.isAnnotationPresent(Pattern.class)) {
        fields.add(field);
      }
      walk(field.getType(), fields, seen);
      if (field.getGenericType() instanceof ParameterizedType p) {
        for (var arg : p.getActualTypeArguments()) {
          if (arg instanceof Class<?> c) {
            walk(c, fields, seen);
          }
        }
      }
    }
  }
}
