/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.v1alpha1.FineTuneJob;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Set;

/**
 * Common ground of the objects created for a FineTuneJob: informers see only objects labelled as
 * managed by this operator, an object maps back to its FineTuneJob by the {@link
 * ChildLabels#JOB_NAME} label, and owner references are set by {@code desired()} itself (with
 * {@code controller: true}, which JOSDK's own reference leaves out).
 */
abstract class FineTuneJobChildResource<R extends HasMetadata>
    extends KubernetesDependentResource<R, FineTuneJob> implements SecondaryToPrimaryMapper<R> {

  FineTuneJobChildResource(Class<R> type) {
    super(type);
  }

  /** The child's name; the one object of this type that belongs to {@code job}. */
  abstract String childName(FineTuneJob job);

  @Override
  protected InformerEventSourceConfiguration.Builder<R> informerConfigurationBuilder(
      EventSourceContext<FineTuneJob> context) {
    return super.informerConfigurationBuilder(context)
        .withLabelSelector(ChildLabels.SELECTOR)
        .withItemStore(cache());
  }

  /** The informer's cache: what is kept of each child (see {@link PrunedItemStore}). */
  ItemStore<R> cache() {
    return PrunedItemStore.withoutManagedFields();
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(R resource) {
    return ChildLabels.owningJob(resource);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(
      FineTuneJob primary, Context<FineTuneJob> context) {
    return new ResourceID(childName(primary), primary.getMetadata().getNamespace());
  }

  @Override
  protected void addReferenceHandlingMetadata(R desired, FineTuneJob primary) {
    // desired() sets owner references itself; mapping back uses the job-name label.
  }

  /** Makes the FineTuneJob the controller owner, so deleting it garbage-collects the child. */
  static OwnerReference controllerReference(FineTuneJob job) {
    return new OwnerReferenceBuilder()
        .withApiVersion(job.getApiVersion())
        .withKind(job.getKind())
        .withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
