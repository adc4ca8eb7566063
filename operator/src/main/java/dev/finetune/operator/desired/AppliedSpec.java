/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.v1alpha1.FineTuneJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The spec a trainer Job was created from, kept as an annotation on the Job, so that a later edit
 * of the FineTuneJob can be reported field by field (it is never applied to a started Job). {@code
 * runPolicy.suspend} is left out: it is the one field that may change.
 */
public final class AppliedSpec {
  public static final String ANNOTATION = "finetune.dev/applied-spec";

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private AppliedSpec() {}

  /** Canonical JSON of the job's spec, without runPolicy.suspend. */
  public static String of(FineTuneJob job) {
    try {
      return CANONICAL.writeValueAsString(tree(job));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the spec", e);
    }
  }

  /**
   * Top-level spec fields that differ between the job and what its trainer Job was created from
   * (sorted); empty when nothing changed or the Job carries no record.
   */
  public static List<String> changedFields(FineTuneJob job, Job trainerJob) {
    String applied =
        Optional.ofNullable(trainerJob.getMetadata().getAnnotations())
            .map(a -> a.get(ANNOTATION))
            .orElse(null);
    if (applied == null) {
      return List.of();
    }
    JsonNode before;
    try {
      before = CANONICAL.readTree(applied);
    } catch (JsonProcessingException e) {
      return List.of();
    }
    JsonNode now;
    try {
      // Through text, as the annotation went: valueToTree keeps Long fields as LongNode while
      // reading the annotation gives IntNode for the same number, and those are not equal.
      now = CANONICAL.readTree(CANONICAL.writeValueAsString(tree(job)));
    } catch (JsonProcessingException e) {
      return List.of();
    }
    TreeSet<String> names = new TreeSet<>();
    before.fieldNames().forEachRemaining(names::add);
    now.fieldNames().forEachRemaining(names::add);
    List<String> changed = new ArrayList<>();
    for (String name : names) {
      if (!before.path(name).equals(now.path(name))) {
        changed.add("spec." + name);
      }
    }
    return changed;
  }

  private static ObjectNode tree(FineTuneJob job) {
    ObjectNode spec = CANONICAL.valueToTree(job.getSpec());
    JsonNode runPolicy = spec.get("runPolicy");
    if (runPolicy instanceof ObjectNode policy) {
      policy.remove("suspend");
      if (policy.isEmpty()) {
        spec.remove("runPolicy");
      }
    }
    removeNulls(spec);
    return spec;
  }

  private static void removeNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<JsonNode> it = object.elements(); it.hasNext(); ) {
        JsonNode child = it.next();
        if (child.isNull()) {
          it.remove();
        } else {
          removeNulls(child);
        }
      }
    } else if (node.isArray()) {
      node.forEach(AppliedSpec::removeNulls);
    }
  }
}
