/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.finetune.api.v1alpha1.FineTuneJob;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The objects of the manifests local mode applies, all read before anything starts. A FineTuneJob
 * with a field its schema does not have is refused in one line that names the file, the field and
 * the fields that object has, as the API server's strict decoding would refuse it, rather than with
 * a stack trace.
 */
final class Manifests {
  /** One object and the namespace it goes to. */
  record Manifest(String namespace, HasMetadata object) {}

  /** A manifest that cannot be applied; the message is the whole explanation. */
  static final class InvalidManifest extends Exception {
    InvalidManifest(String message) {
      super(message);
    }
  }

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  static List<Manifest> read(List<Path> files) throws InvalidManifest {
    List<Manifest> out = new ArrayList<>();
    for (Path file : files) {
      try (var docs = new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = (JsonNode) docs.next();
          if (doc != null && doc.has("kind")) {
            out.add(manifest(file, doc));
          }
        }
      } catch (JacksonException e) {
        throw new InvalidManifest(file + ": not valid YAML: " + syntax(e));
      } catch (RuntimeException e) {
        // The document iterator reports a syntax error in a later document wrapped, unchecked.
        if (e.getCause() instanceof JacksonException j) {
          throw new InvalidManifest(file + ": not valid YAML: " + syntax(j));
        }
        throw e;
      } catch (IOException e) {
        throw new InvalidManifest("cannot read " + file + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static Manifest manifest(Path file, JsonNode doc) throws InvalidManifest {
    String namespace = doc.at("/metadata/namespace").asText("default");
    String kind = doc.get("kind").asText();
    try {
      HasMetadata object =
          "FineTuneJob".equals(kind)
              ? SERIALIZATION.convertValue(doc, FineTuneJob.class)
              : SERIALIZATION.convertValue(doc, HasMetadata.class);
      if (object.getMetadata() == null) {
        throw new InvalidManifest(file + ": a " + kind + " without metadata");
      }
      object.getMetadata().setNamespace(namespace);
      return new Manifest(namespace, object);
    } catch (IllegalArgumentException e) {
      String object = kind + " " + doc.at("/metadata/name").asText("(no name)");
      throw new InvalidManifest(file + ": " + object + ": " + why(e));
    }
  }

  private static String why(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnrecognizedPropertyException u) {
        String parent = path(u.getPath().subList(0, u.getPath().size() - 1));
        String known =
            u.getKnownPropertyIds().stream()
                .map(String::valueOf)
                .sorted()
                .collect(Collectors.joining(", "));
        return "unknown field \""
            + path(u.getPath())
            + "\"; the fields of "
            + (parent.isEmpty() ? "the object" : parent)
            + " are "
            + known;
      }
      if (t instanceof JsonMappingException m) {
        return "cannot read \"" + path(m.getPath()) + "\": " + m.getOriginalMessage();
      }
    }
    return String.valueOf(e.getMessage());
  }

  private static String syntax(JacksonException e) {
    String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
    return e.getLocation() == null || e.getLocation().getLineNr() < 1
        ? first
        : first + " at line " + e.getLocation().getLineNr();
  }

  /** Jackson's path as kubectl writes a field: spec.output.source, containers[0].name. */
  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : references) {
      if (r.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
