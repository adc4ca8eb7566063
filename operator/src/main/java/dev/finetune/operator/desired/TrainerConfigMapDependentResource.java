/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;

/**
 * The trainer's configuration (JSON) as a ConfigMap. Create-only, like the Job: a restarted trainer
 * pod must read the configuration its run started with, never an edited one.
 */
public class TrainerConfigMapDependentResource extends FineTuneJobChildResource<ConfigMap>
    implements Creator<ConfigMap, FineTuneJob> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final OperatorConfig config;

  public TrainerConfigMapDependentResource(OperatorConfig config) {
    super(ConfigMap.class);
    this.config = config;
  }

  @Override
  String childName(FineTuneJob job) {
    return ChildNames.trainerConfigMap(job);
  }

  @Override
  protected ConfigMap desired(FineTuneJob job, Context<FineTuneJob> context) {
    return desired(job, config);
  }

  /** Pure: the ConfigMap for {@code job}. */
  public static ConfigMap desired(FineTuneJob job, OperatorConfig config) {
    String json;
    try {
      json = JSON.writeValueAsString(TrainerConfigFactory.create(job, config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the trainer config", e);
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(ChildNames.trainerConfigMap(job))
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(ChildLabels.forChild(job, "trainer-config"))
        .withOwnerReferences(controllerReference(job))
        .endMetadata()
        .addToData(TrainerVolumes.CONFIG_FILE, json)
        .build();
  }

  @Override
  ItemStore<ConfigMap> cache() {
    return PrunedItemStore.configMaps();
  }
}
