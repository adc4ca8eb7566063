/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;

/**
 * What the API server adds to a Job when it is created and the mock does not: a selector for its
 * pods and the matching label on the pod template ({@code kubectl logs job/NAME} follows it). Real
 * clusters select on {@code batch.kubernetes.io/controller-uid}; the uid is not known before the
 * mock stores the Job, so the local selector uses the job-name label the Job controller also sets.
 */
final class JobDefaults {
  static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobDefaults() {}

  /** The create request with the defaults filled in (unchanged if it is not a Job as JSON). */
  static RecordedRequest apply(RecordedRequest request) {
    try {
      JsonNode job = JSON.readTree(request.getBody().getBytes());
      String name = job.at("/metadata/name").asText("");
      if (!(job instanceof ObjectNode) || name.isEmpty() || job.at("/spec/selector").isObject()) {
        return request;
      }
      ObjectNode spec = (ObjectNode) job.get("spec");
      spec.putObject("selector").putObject("matchLabels").put(JOB_NAME_LABEL, name);
      JsonNode template = spec.path("template");
      if (template instanceof ObjectNode t) {
        ObjectNode metadata =
            t.has("metadata") ? (ObjectNode) t.get("metadata") : t.putObject("metadata");
        ObjectNode labels =
            metadata.has("labels")
                ? (ObjectNode) metadata.get("labels")
                : metadata.putObject("labels");
        labels.put(JOB_NAME_LABEL, name);
      }
      return new RecordedRequest(
          request.getHttpVersion(),
          request.method(),
          request.getPath(),
          request.getHeaders(),
          new Buffer(JSON.writeValueAsBytes(job)));
    } catch (IOException | RuntimeException notJson) {
      return request;
    }
  }
}
