/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.v1alpha1.FineTuneJob;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Labels on every object the operator creates; the informers select on them. */
public final class ChildLabels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "finetune-operator";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PART_OF = "app.kubernetes.io/part-of";

  /** The owning FineTuneJob's name: maps a child (and the trainer pods) back to it. */
  public static final String JOB_NAME = "finetune.dev/job-name";

  public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";

  /** Selector of the operator's informers for children and trainer pods. */
  public static final String SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

  private ChildLabels() {}

  public static Map<String, String> forChild(FineTuneJob job, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, "finetune-trainer");
    labels.put(INSTANCE, job.getMetadata().getName());
    labels.put(COMPONENT, component);
    labels.put(PART_OF, "finetune-operator");
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(JOB_NAME, job.getMetadata().getName());
    return labels;
  }

  /** The FineTuneJob a labelled child or trainer pod belongs to (none when unlabelled). */
  public static Set<ResourceID> owningJob(HasMetadata resource) {
    return Optional.ofNullable(resource.getMetadata().getLabels())
        .map(labels -> labels.get(JOB_NAME))
        .map(name -> Set.of(new ResourceID(name, resource.getMetadata().getNamespace())))
        .orElse(Set.of());
  }
}
