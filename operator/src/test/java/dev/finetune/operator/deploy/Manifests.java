/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Rendered multi-document YAML (helm template, kubectl kustomize) as Kubernetes objects. */
final class Manifests {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final List<GenericKubernetesResource> objects;

  private Manifests(List<GenericKubernetesResource> objects) {
    this.objects = objects;
  }

  static Manifests parse(String yaml) throws IOException {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    try (var values = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      while (values.hasNext()) {
        JsonNode node = (JsonNode) values.next();
        if (node != null && !node.isNull() && node.has("kind")) {
          objects.add(SERIALIZATION.convertValue(node, GenericKubernetesResource.class));
        }
      }
    }
    return new Manifests(objects);
  }

  List<GenericKubernetesResource> all() {
    return objects;
  }

  Stream<GenericKubernetesResource> ofKind(String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind));
  }

  <T> List<T> typed(String kind, Class<T> type) {
    return ofKind(kind).map(o -> SERIALIZATION.convertValue(o, type)).toList();
  }

  <T> T one(String kind, Class<T> type) {
    List<T> found = typed(kind, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  /** Every pod template in the manifests, named "Kind/name". */
  List<NamedPodSpec> podSpecs() {
    List<NamedPodSpec> specs = new ArrayList<>();
    for (GenericKubernetesResource o : objects) {
      String name = o.getKind() + "/" + o.getMetadata().getName();
      Optional<PodSpec> spec =
          switch (o.getKind()) {
            case "Deployment" ->
                Optional.of(
                    SERIALIZATION
                        .convertValue(o, Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec());
            case "StatefulSet" ->
                Optional.of(
                    SERIALIZATION
                        .convertValue(o, StatefulSet.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec());
            case "DaemonSet" ->
                Optional.of(
                    SERIALIZATION
                        .convertValue(o, DaemonSet.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec());
            case "Job" ->
                Optional.of(
                    SERIALIZATION.convertValue(o, Job.class).getSpec().getTemplate().getSpec());
            case "Pod" ->
                Optional.of(
                    SERIALIZATION
                        .convertValue(o, io.fabric8.kubernetes.api.model.Pod.class)
                        .getSpec());
            default -> Optional.empty();
          };
      spec.ifPresent(s -> specs.add(new NamedPodSpec(name, s)));
    }
    return specs;
  }

  record NamedPodSpec(String name, PodSpec spec) {}

  /**
   * What a pod spec lacks of the hardened baseline: non-root, RuntimeDefault seccomp, and per
   * container no privilege escalation, a read-only root filesystem, all capabilities dropped, not
   * privileged. Empty when it has all of it.
   */
  static List<String> hardeningGaps(PodSpec spec) {
    List<String> gaps = new ArrayList<>();
    var pod = spec.getSecurityContext();
    if (pod == null || !Boolean.TRUE.equals(pod.getRunAsNonRoot())) {
      gaps.add("pod: runAsNonRoot is not true");
    }
    if (pod == null
        || pod.getSeccompProfile() == null
        || !"RuntimeDefault".equals(pod.getSeccompProfile().getType())) {
      gaps.add("pod: seccompProfile is not RuntimeDefault");
    }
    List<Container> containers = new ArrayList<>(spec.getContainers());
    if (spec.getInitContainers() != null) {
      containers.addAll(spec.getInitContainers());
    }
    for (Container c : containers) {
      var sc = c.getSecurityContext();
      String where = "container " + c.getName() + ": ";
      if (sc == null) {
        gaps.add(where + "no securityContext");
        continue;
      }
      if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        gaps.add(where + "allowPrivilegeEscalation is not false");
      }
      if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
        gaps.add(where + "readOnlyRootFilesystem is not true");
      }
      if (Boolean.TRUE.equals(sc.getPrivileged())) {
        gaps.add(where + "privileged");
      }
      if (sc.getCapabilities() == null
          || sc.getCapabilities().getDrop() == null
          || !sc.getCapabilities().getDrop().contains("ALL")) {
        gaps.add(where + "capabilities do not drop ALL");
      }
    }
    return gaps;
  }
}
