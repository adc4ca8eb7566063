/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An informer's cache that drops, from each object it stores, the fields the operator never reads
 * back: with 10,000 FineTuneJobs the cached children are most of the operator's heap, and most of
 * each is text nobody reads (a Job's pod template, a ConfigMap's trainer configuration, the API
 * server's managedFields). The objects are the informer's own copies, fresh from the watch, so they
 * are pruned in place. What is kept is what the reconciler reads: metadata (labels, annotations,
 * owner references, uid), a Job's suspend, deadline and backoff limit and its status. Children are
 * changed only by patches computed against the cached object (a Job's suspend), which touch only
 * the fields they change, so a pruned field is never written back.
 */
final class PrunedItemStore<R extends HasMetadata> implements ItemStore<R> {
  private final BasicItemStore<R> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final Consumer<R> prune;

  private PrunedItemStore(Consumer<R> prune) {
    this.prune = prune;
  }

  /** A Job without its pod template: the operator reads its spec's scalars and its status. */
  static ItemStore<Job> jobs() {
    return new PrunedItemStore<>(
        job -> {
          withoutManagedFields(job);
          if (job.getSpec() != null) {
            job.getSpec().setTemplate(null);
          }
        });
  }

  /** A ConfigMap without its data: the operator only needs to know that it exists. */
  static ItemStore<ConfigMap> configMaps() {
    return new PrunedItemStore<>(
        map -> {
          withoutManagedFields(map);
          map.setData(null);
          map.setBinaryData(null);
        });
  }

  /** Any other child, without the API server's field ownership records. */
  static <R extends HasMetadata> ItemStore<R> withoutManagedFields() {
    return new PrunedItemStore<>(PrunedItemStore::withoutManagedFields);
  }

  private static void withoutManagedFields(HasMetadata object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
  }

  @Override
  public String getKey(R object) {
    return store.getKey(object);
  }

  @Override
  public R put(String key, R object) {
    prune.accept(object);
    return store.put(key, object);
  }

  @Override
  public R remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<R> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public R get(String key) {
    return store.get(key);
  }
}
