/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Paths inside a pod (its volume mounts) to folders on this machine, the way a kubelet binds
 * volumes: the longest mount path that prefixes a path wins.
 */
final class PathMap {
  private final Map<String, Path> mounts = new LinkedHashMap<>();

  PathMap mount(String podPath, Path local) {
    mounts.put(podPath.endsWith("/") ? podPath.substring(0, podPath.length() - 1) : podPath, local);
    return this;
  }

  /** {@code podPath} on this machine, or the path unchanged if no mount holds it. */
  String local(String podPath) {
    return mounts.entrySet().stream()
        .filter(e -> podPath.equals(e.getKey()) || podPath.startsWith(e.getKey() + "/"))
        .max(Comparator.comparingInt(e -> e.getKey().length()))
        .map(
            e ->
                e.getValue()
                    .resolve(podPath.substring(e.getKey().length()).replaceFirst("^/", ""))
                    .toString())
        .orElse(podPath);
  }

  /** Every string in {@code json} that is a path under a mount, mapped (the JSON is changed). */
  JsonNode rewrite(JsonNode json) {
    if (json instanceof ObjectNode object) {
      object.fields().forEachRemaining(e -> e.setValue(rewrite(e.getValue())));
      return object;
    }
    if (json instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, rewrite(array.get(i)));
      }
      return array;
    }
    if (json.isTextual() && json.asText().startsWith("/")) {
      return TextNode.valueOf(local(json.asText()));
    }
    return json;
  }
}
