/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Server-side printing ({@code meta.k8s.io/v1} Table): the columns kubectl shows on a cluster for
 * the kinds local mode runs — FineTuneJobs (the CRD's printer columns), Pods, Jobs, Events and
 * PersistentVolumeClaims, as the API server's printers define them — and NAME, AGE for the rest.
 */
final class PrintColumns {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A column: its header, type, priority (1 = only with -o wide) and cell. */
  private record Column(String name, String type, int priority, Function<JsonNode, Object> cell) {}

  private PrintColumns() {}

  /** A list or one object as a Table; {@code crd} gives the FineTuneJob columns. */
  static ObjectNode table(JsonNode body, JsonNode crd) {
    return table(body, crd, true);
  }

  /**
   * As {@link #table(JsonNode, JsonNode)}; a watch sends the column definitions with its first
   * event only, as the API server does.
   */
  static ObjectNode table(JsonNode body, JsonNode crd, boolean withColumns) {
    List<JsonNode> items = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(items::add);
    } else {
      items.add(body);
    }
    String kind = body.path("kind").asText();
    if (kind.endsWith("List")) {
      kind =
          items.isEmpty()
              ? kind.substring(0, kind.length() - 4)
              : items.get(0).path("kind").asText();
    }
    List<Column> columns = columns(kind, crd);
    ObjectNode table =
        JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", body.at("/metadata/resourceVersion").asText(""));
    ArrayNode definitions = table.putArray("columnDefinitions");
    if (withColumns) {
      for (Column c : columns) {
        definitions
            .addObject()
            .put("name", c.name())
            .put("type", c.type())
            .put("format", c.name().equals("Name") ? "name" : "")
            .put("description", "")
            .put("priority", c.priority());
      }
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        Object value = c.cell().apply(item);
        if (value instanceof JsonNode node) {
          cells.add(node);
        } else if (value instanceof Number n) {
          cells.add(n.longValue());
        } else {
          cells.add(value == null ? "" : value.toString());
        }
      }
      row.set("object", item);
    }
    return table;
  }

  private static List<Column> columns(String kind, JsonNode crd) {
    return switch (kind) {
      case "FineTuneJob" -> fineTuneJob(crd);
      case "Pod" -> pod();
      case "Job" -> job();
      case "Event" -> event();
      case "PersistentVolumeClaim" -> claim();
      default -> List.of(name(), age());
    };
  }

  private static Column name() {
    return new Column("Name", "string", 0, o -> o.at("/metadata/name").asText());
  }

  private static Column age() {
    return new Column("Age", "string", 0, o -> age(o.at("/metadata/creationTimestamp").asText("")));
  }

  private static List<Column> fineTuneJob(JsonNode crd) {
    List<Column> columns = new ArrayList<>(List.of(name()));
    for (JsonNode c : crd.at("/spec/versions/0/additionalPrinterColumns")) {
      String type = c.path("type").asText("string");
      JsonNode path = JSON.getNodeFactory().textNode(c.get("jsonPath").asText());
      columns.add(
          new Column(
              c.get("name").asText(),
              "date".equals(type) ? "string" : type,
              c.path("priority").asInt(0),
              o -> {
                JsonNode value = o.at(path.asText().replace('.', '/'));
                if (value.isMissingNode() || value.isNull()) {
                  return "";
                }
                return "date".equals(type) ? age(value.asText()) : value;
              }));
    }
    return columns;
  }

  private static List<Column> pod() {
    return List.of(
        name(),
        new Column("Ready", "string", 0, PrintColumns::podReady),
        new Column("Status", "string", 0, PrintColumns::podStatus),
        new Column("Restarts", "string", 0, PrintColumns::podRestarts),
        age(),
        new Column("IP", "string", 1, o -> o.at("/status/podIP").asText("<none>")),
        new Column("Node", "string", 1, o -> o.at("/spec/nodeName").asText("<none>")),
        new Column("Nominated Node", "string", 1, o -> "<none>"),
        new Column("Readiness Gates", "string", 1, o -> "<none>"));
  }

  private static String podReady(JsonNode pod) {
    int total = pod.at("/spec/containers").size();
    int ready = 0;
    for (JsonNode s : pod.at("/status/containerStatuses")) {
      if (s.path("ready").asBoolean() && s.at("/state/running").isObject()) {
        ready++;
      }
    }
    return ready + "/" + total;
  }

  /** kubectl's STATUS: a waiting or terminated container's reason, else the phase. */
  private static String podStatus(JsonNode pod) {
    if (pod.at("/metadata/deletionTimestamp").isTextual()) {
      return "Terminating";
    }
    String status = pod.at("/status/phase").asText("Pending");
    for (JsonNode s : pod.at("/status/containerStatuses")) {
      String waiting = s.at("/state/waiting/reason").asText("");
      String terminated = s.at("/state/terminated/reason").asText("");
      if (!waiting.isEmpty()) {
        status = waiting;
      } else if (!terminated.isEmpty()) {
        status = terminated;
      } else if (s.at("/state/terminated").isObject()) {
        status = "ExitCode:" + s.at("/state/terminated/exitCode").asInt();
      }
    }
    return status;
  }

  private static String podRestarts(JsonNode pod) {
    int restarts = 0;
    for (JsonNode s : pod.at("/status/containerStatuses")) {
      restarts += s.path("restartCount").asInt(0);
    }
    return Integer.toString(restarts);
  }

  private static List<Column> job() {
    return List.of(
        name(),
        new Column("Status", "string", 0, PrintColumns::jobStatus),
        new Column(
            "Completions",
            "string",
            0,
            o -> o.at("/status/succeeded").asInt(0) + "/" + o.at("/spec/completions").asInt(1)),
        new Column("Duration", "string", 0, PrintColumns::jobDuration),
        age(),
        new Column(
            "Containers",
            "string",
            1,
            o -> join(o.at("/spec/template/spec/containers"), c -> c.path("name").asText())),
        new Column(
            "Images",
            "string",
            1,
            o -> join(o.at("/spec/template/spec/containers"), c -> c.path("image").asText())),
        new Column("Selector", "string", 1, o -> selector(o.at("/spec/selector/matchLabels"))));
  }

  private static String jobStatus(JsonNode job) {
    for (JsonNode c : job.at("/status/conditions")) {
      if ("True".equals(c.path("status").asText())
          && List.of("Complete", "Failed", "Suspended").contains(c.path("type").asText())) {
        return c.path("type").asText();
      }
    }
    return job.at("/spec/suspend").asBoolean(false) ? "Suspended" : "Running";
  }

  private static String jobDuration(JsonNode job) {
    String start = job.at("/status/startTime").asText("");
    if (start.isEmpty()) {
      return "";
    }
    String end = job.at("/status/completionTime").asText("");
    return human(
        Duration.between(Instant.parse(start), end.isEmpty() ? Instant.now() : Instant.parse(end)));
  }

  private static List<Column> event() {
    return List.of(
        new Column("Last Seen", "string", 0, PrintColumns::eventLastSeen),
        new Column("Type", "string", 0, o -> o.path("type").asText()),
        new Column("Reason", "string", 0, o -> o.path("reason").asText()),
        new Column(
            "Object",
            "string",
            0,
            o ->
                o.at("/involvedObject/kind").asText().toLowerCase(Locale.ROOT)
                    + "/"
                    + o.at("/involvedObject/name").asText()),
        new Column("Message", "string", 0, o -> o.path("message").asText()),
        new Column("Source", "string", 1, o -> o.at("/source/component").asText()),
        new Column("First Seen", "string", 1, o -> age(o.path("firstTimestamp").asText(""))),
        new Column("Count", "integer", 1, o -> o.path("count").asLong(1)),
        new Column("Name", "string", 1, o -> o.at("/metadata/name").asText()));
  }

  private static String eventLastSeen(JsonNode event) {
    for (String field : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
      String value = event.path(field).asText("");
      if (!value.isEmpty()) {
        return age(value);
      }
    }
    return age(event.at("/metadata/creationTimestamp").asText(""));
  }

  private static List<Column> claim() {
    return List.of(
        name(),
        new Column("Status", "string", 0, o -> o.at("/status/phase").asText("Pending")),
        new Column("Volume", "string", 0, o -> o.at("/spec/volumeName").asText("")),
        new Column("Capacity", "string", 0, o -> o.at("/status/capacity/storage").asText("")),
        new Column(
            "Access Modes",
            "string",
            0,
            o -> join(o.at("/status/accessModes"), m -> accessMode(m.asText()))),
        new Column(
            "StorageClass", "string", 0, o -> o.at("/spec/storageClassName").asText("<unset>")),
        new Column(
            "VolumeAttributesClass",
            "string",
            0,
            o -> o.at("/spec/volumeAttributesClassName").asText("<unset>")),
        age(),
        new Column("VolumeMode", "string", 1, o -> o.at("/spec/volumeMode").asText("Filesystem")));
  }

  private static String accessMode(String mode) {
    return switch (mode) {
      case "ReadWriteOnce" -> "RWO";
      case "ReadOnlyMany" -> "ROX";
      case "ReadWriteMany" -> "RWX";
      case "ReadWriteOncePod" -> "RWOP";
      default -> mode;
    };
  }

  private static String join(JsonNode array, Function<JsonNode, String> part) {
    List<String> parts = new ArrayList<>();
    array.forEach(n -> parts.add(part.apply(n)));
    return String.join(",", parts);
  }

  private static String selector(JsonNode matchLabels) {
    List<String> parts = new ArrayList<>();
    matchLabels.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    return parts.isEmpty() ? "<none>" : String.join(",", parts);
  }

  /** Like kubectl's ages: 42s, 5m, 3h, 2d. */
  static String age(String timestamp) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    return human(Duration.between(Instant.parse(timestamp), Instant.now()));
  }

  private static String human(Duration d) {
    if (d.toSeconds() < 120) {
      return Math.max(0, d.toSeconds()) + "s";
    }
    if (d.toMinutes() < 120) {
      return d.toMinutes() + "m";
    }
    if (d.toHours() < 48) {
      return d.toHours() + "h";
    }
    return d.toDays() + "d";
  }
}
