/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import dev.finetune.api.v1alpha1.FineTuneJob;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.function.Consumer;

/**
 * Kubernetes' garbage collector, as far as local mode needs it: deleting a FineTuneJob deletes the
 * objects it owns (trainer ConfigMap and Job; the workspace claim only when it carries an owner
 * reference, i.e. retainPolicy Delete), and deleting a Job deletes its pods — which stops their
 * processes. The mock API keeps owner references but collects nothing by itself.
 */
public final class LocalGarbageCollector implements AutoCloseable {
  private final KubernetesClient client;
  private SharedIndexInformer<FineTuneJob> jobs;
  private SharedIndexInformer<Job> trainerJobs;

  public LocalGarbageCollector(KubernetesClient client) {
    this.client = client;
  }

  public LocalGarbageCollector start() {
    jobs =
        client
            .resources(FineTuneJob.class)
            .inAnyNamespace()
            .inform(onDelete(this::collectFineTuneJob));
    trainerJobs = client.batch().v1().jobs().inAnyNamespace().inform(onDelete(this::collectJob));
    return this;
  }

  private static <T> ResourceEventHandler<T> onDelete(Consumer<T> action) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {}

      @Override
      public void onUpdate(T before, T after) {}

      @Override
      public void onDelete(T obj, boolean unknownFinalState) {
        action.accept(obj);
      }
    };
  }

  private void collectFineTuneJob(FineTuneJob owner) {
    String ns = owner.getMetadata().getNamespace();
    String uid = owner.getMetadata().getUid();
    deleteOwned(client.configMaps().inNamespace(ns).list().getItems(), uid);
    deleteOwned(client.persistentVolumeClaims().inNamespace(ns).list().getItems(), uid);
    deleteOwned(client.batch().v1().jobs().inNamespace(ns).list().getItems(), uid);
  }

  private void collectJob(Job owner) {
    deleteOwned(
        client.pods().inNamespace(owner.getMetadata().getNamespace()).list().getItems(),
        owner.getMetadata().getUid());
  }

  private void deleteOwned(List<? extends HasMetadata> objects, String uid) {
    for (HasMetadata o : objects) {
      if (o.getMetadata().getOwnerReferences() != null
          && o.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid()))) {
        client.resource(o).delete();
      }
    }
  }

  @Override
  public void close() {
    if (jobs != null) {
      jobs.close();
    }
    if (trainerJobs != null) {
      trainerJobs.close();
    }
  }
}
