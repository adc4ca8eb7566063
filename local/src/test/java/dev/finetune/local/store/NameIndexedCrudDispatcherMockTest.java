/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded API's store, indexed by name, answers as fabric8's unindexed store does: objects
 * that share a name across kinds and namespaces stay apart, a second create of a name is refused,
 * and deleted names are free again.
 */
class NameIndexedCrudDispatcherMockTest {
  private static LocalCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(0);
    client = cluster.client();
    for (String ns : new String[] {"one", "two"}) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void theStoreReadsTheIndexedMap() {
    assertThat(new NameIndexedCrudDispatcher().indexed()).isTrue();
  }

  @Test
  void objectsSharingANameAcrossKindsAndNamespacesStayApart() {
    client.resource(configMap("one", "shared", "first")).create();
    client.resource(configMap("two", "shared", "second")).create();
    client.resource(secret("one", "shared")).create();

    client.configMaps().inNamespace("two").withName("shared").edit(cm -> withValue(cm, "edited"));

    assertThat(value("one", "shared")).isEqualTo("first");
    assertThat(value("two", "shared")).isEqualTo("edited");
    client.configMaps().inNamespace("one").withName("shared").delete();
    assertThat(client.configMaps().inNamespace("one").withName("shared").get()).isNull();
    assertThat(value("two", "shared")).isEqualTo("edited");
    assertThat(client.secrets().inNamespace("one").withName("shared").get()).isNotNull();
  }

  @Test
  void aSecondCreateOfANameIsRefusedAndADeletedNameIsFreeAgain() {
    client.resource(configMap("one", "once", "a")).create();

    assertThatThrownBy(() -> client.resource(configMap("one", "once", "b")).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
    assertThat(value("one", "once")).isEqualTo("a");

    client.configMaps().inNamespace("one").withName("once").delete();
    client.resource(configMap("one", "once", "c")).create();
    assertThat(value("one", "once")).isEqualTo("c");
  }

  @Test
  void aStatusPatchReachesTheFineTuneJobItNames() {
    for (String ns : new String[] {"one", "two"}) {
      client.resource(fineTuneJob(ns, "job")).create();
    }

    client
        .resources(FineTuneJob.class)
        .inNamespace("two")
        .withName("job")
        .editStatus(
            job -> {
              FineTuneJobStatus status = new FineTuneJobStatus();
              status.setPhase(Phase.Validating);
              job.setStatus(status);
              return job;
            });

    assertThat(phase("two")).isEqualTo(Phase.Validating);
    assertThat(phase("one")).isNull();
  }

  private static Phase phase(String ns) {
    FineTuneJob job = client.resources(FineTuneJob.class).inNamespace(ns).withName("job").get();
    return job.getStatus() == null ? null : job.getStatus().getPhase();
  }

  private static FineTuneJob fineTuneJob(String ns, String name) {
    return new KubernetesSerialization()
        .unmarshal(
            """
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {name: %s, namespace: %s}
            spec:
              model: {source: hf://Qwen/Qwen2.5-0.5B-Instruct}
              dataset: {train: {source: pvc://datasets/train.jsonl}, format: chat}
            """
                .formatted(name, ns),
            FineTuneJob.class);
  }

  private static String value(String ns, String name) {
    return client.configMaps().inNamespace(ns).withName(name).get().getData().get("v");
  }

  private static ConfigMap withValue(ConfigMap cm, String value) {
    cm.setData(Map.of("v", value));
    return cm;
  }

  private static ConfigMap configMap(String ns, String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withData(Map.of("v", value))
        .build();
  }

  private static Secret secret(String ns, String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withStringData(Map.of("k", "v"))
        .build();
  }
}
