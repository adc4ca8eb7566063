/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.api.v1alpha1.DataFormat;
import java.util.Optional;
import java.util.Set;

/** What a valid line of each format holds; each rule returns the reason a line is bad. */
final class RecordRules {
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");

  private RecordRules() {}

  static Optional<String> check(JsonNode line, DataFormat format) {
    return switch (format) {
      case TEXT -> string(line, "text", false);
      case PROMPT_COMPLETION ->
          string(line, "prompt", true).or(() -> string(line, "completion", false));
      case CHAT -> chat(line);
      case PREFERENCE -> preference(line);
    };
  }

  private static Optional<String> string(JsonNode line, String field, boolean mayBeEmpty) {
    if (!line.has(field)) {
      return Optional.of("missing field \"" + field + "\"");
    }
    JsonNode value = line.get(field);
    if (value.isNull()) {
      return Optional.of("field \"" + field + "\" is null");
    }
    if (!value.isTextual()) {
      return Optional.of(
          "field \"" + field + "\" must be a string, found " + JsonlScan.kind(value));
    }
    if (!mayBeEmpty && value.asText().isEmpty()) {
      return Optional.of("field \"" + field + "\" is empty");
    }
    return Optional.empty();
  }

  /**
   * A preference pair in one of TRL's forms: strings (prompt may be empty; absent: the implicit
   * prompt), or conversations (prompt a list of messages, chosen/rejected lists of assistant
   * messages; absent prompt: whole conversations sharing their first turns). Chosen and rejected
   * must differ: an identical pair has nothing to prefer.
   */
  private static Optional<String> preference(JsonNode line) {
    for (String field : new String[] {"chosen", "rejected"}) {
      if (!line.has(field) || line.get(field).isNull()) {
        return Optional.of("missing field \"" + field + "\"");
      }
    }
    JsonNode chosen = line.get("chosen");
    JsonNode rejected = line.get("rejected");
    JsonNode prompt = line.get("prompt");
    if (chosen.isTextual()) {
      Optional<String> bad =
          string(line, "chosen", false).or(() -> string(line, "rejected", false));
      if (bad.isPresent()) {
        return bad;
      }
      if (prompt != null) {
        bad = string(line, "prompt", true);
        if (bad.isPresent()) {
          return Optional.of(bad.get() + " (chosen and rejected are strings)");
        }
      }
    } else if (chosen.isArray()) {
      if (!rejected.isArray()) {
        return Optional.of(
            "field \"rejected\" must be a list of messages like \"chosen\", found "
                + JsonlScan.kind(rejected));
      }
      Optional<String> bad =
          messages(chosen, "chosen", prompt != null)
              .or(() -> messages(rejected, "rejected", prompt != null));
      if (bad.isPresent()) {
        return bad;
      }
      if (prompt != null) {
        if (!prompt.isArray()) {
          return Optional.of(
              "field \"prompt\" must be a list of messages (chosen and rejected are), found "
                  + JsonlScan.kind(prompt));
        }
        bad = messages(prompt, "prompt", false);
        if (bad.isPresent()) {
          return bad;
        }
      }
    } else {
      return Optional.of(
          "field \"chosen\" must be a string or a list of messages, found "
              + JsonlScan.kind(chosen));
    }
    if (chosen.equals(rejected)) {
      return Optional.of("\"chosen\" and \"rejected\" are the same: nothing to prefer");
    }
    return Optional.empty();
  }

  /**
   * A list of messages; with {@code completion}, a completion after an explicit prompt: assistant
   * messages only.
   */
  private static Optional<String> messages(JsonNode list, String field, boolean completion) {
    if (list.isEmpty()) {
      return Optional.of("field \"" + field + "\" is empty");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode m = list.get(i);
      String where = field + "[" + i + "]";
      if (!m.isObject()) {
        return Optional.of(where + " is not an object");
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        return Optional.of(where + ".role must be system, user or assistant");
      }
      JsonNode content = m.get("content");
      if (content == null || !content.isTextual()) {
        return Optional.of(where + ".content must be a string");
      }
      if (completion && !role.asText().equals("assistant")) {
        return Optional.of(where + ".role must be assistant: the completions follow the prompt");
      }
      if (role.asText().equals("assistant") && content.asText().isEmpty()) {
        return Optional.of(where + ".content of an assistant message is empty");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> chat(JsonNode line) {
    JsonNode messages = line.get("messages");
    if (messages == null) {
      return Optional.of("missing field \"messages\"");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      return Optional.of("field \"messages\" must be a non-empty array");
    }
    boolean assistant = false;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String where = "messages[" + i + "]";
      if (!m.isObject()) {
        return Optional.of(where + " is not an object");
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        return Optional.of(where + ".role must be system, user or assistant");
      }
      JsonNode content = m.get("content");
      if (content == null || !content.isTextual()) {
        return Optional.of(where + ".content must be a string");
      }
      JsonNode weight = m.get("weight");
      if (weight != null && !(weight.isInt() && (weight.asInt() == 0 || weight.asInt() == 1))) {
        return Optional.of(where + ".weight must be 0 or 1");
      }
      if (role.asText().equals("assistant")) {
        if (content.asText().isEmpty()) {
          return Optional.of(where + ".content of an assistant message is empty");
        }
        assistant = true;
      }
    }
    return assistant ? Optional.empty() : Optional.of("no assistant message to learn from");
  }
}
