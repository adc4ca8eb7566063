/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The informers' caches keep what the reconciler reads and drop the rest. */
class PrunedItemStoreTest {

  @Test
  void aCachedJobKeepsMetadataSpecScalarsAndStatusButNotItsPodTemplate() {
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("demo")
            .withNamespace("ns")
            .withUid("u-1")
            .withResourceVersion("7")
            .withLabels(Map.of(ChildLabels.JOB_NAME, "demo"))
            .withAnnotations(Map.of(AppliedSpec.ANNOTATION, "{}"))
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
            .endMetadata()
            .withNewSpec()
            .withSuspend(true)
            .withBackoffLimit(3)
            .withActiveDeadlineSeconds(600L)
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .withImage("trainer:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withFailed(1)
            .endStatus()
            .build();
    ItemStore<Job> cache = PrunedItemStore.jobs();

    cache.put(cache.getKey(job), job);
    Job cached = cache.get("ns/demo");

    assertThat(cached.getSpec().getTemplate()).isNull();
    assertThat(cached.getMetadata().getManagedFields()).isNull();
    assertThat(cached.getSpec().getSuspend()).isTrue();
    assertThat(cached.getSpec().getBackoffLimit()).isEqualTo(3);
    assertThat(cached.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
    assertThat(cached.getStatus().getFailed()).isEqualTo(1);
    assertThat(cached.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(cached.getMetadata().getLabels()).containsEntry(ChildLabels.JOB_NAME, "demo");
    assertThat(cached.getMetadata().getAnnotations()).containsKey(AppliedSpec.ANNOTATION);
  }

  @Test
  void aCachedConfigMapKeepsItsMetadataButNotItsData() {
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("demo-trainer-config")
            .withNamespace("ns")
            .withLabels(Map.of(ChildLabels.JOB_NAME, "demo"))
            .endMetadata()
            .withData(Map.of("trainer-config.json", "{\"model\": \"...\"}"))
            .build();
    ItemStore<ConfigMap> cache = PrunedItemStore.configMaps();

    cache.put(cache.getKey(map), map);

    ConfigMap cached = cache.get("ns/demo-trainer-config");
    assertThat(cached.getData()).isNull();
    assertThat(cached.getMetadata().getLabels()).containsEntry(ChildLabels.JOB_NAME, "demo");
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.remove("ns/demo-trainer-config")).isSameAs(cached);
    assertThat(cache.size()).isZero();
  }
}
