/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;

/**
 * The prepare {@code batch/v1 Job}: the trainer image's {@code prepare} command on a CPU node, run
 * before any GPU is requested. It stages and pins the model and data on the workspace, checks every
 * line, the model and the storage, and reports counts in its termination message. Created once;
 * like the trainer Job, only {@code spec.suspend} follows the spec afterwards.
 */
public class PrepareJobDependentResource extends FineTuneJobChildResource<Job>
    implements Creator<Job, FineTuneJob>, Updater<Job, FineTuneJob> {
  private final OperatorConfig config;

  public PrepareJobDependentResource(OperatorConfig config) {
    super(Job.class);
    this.config = config;
  }

  @Override
  String childName(FineTuneJob job) {
    return ChildNames.prepareJob(job);
  }

  /** Pure: the prepare Job for {@code job}. */
  public static Job desired(FineTuneJob job, OperatorConfig config) {
    return TrainerJobDependentResource.desired(
        job, config, TrainerJobDependentResource.Role.PREPARE);
  }

  @Override
  protected Job desired(FineTuneJob job, Context<FineTuneJob> context) {
    return desired(job, config);
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<Job> informerConfigurationBuilder(
      EventSourceContext<FineTuneJob> context) {
    return super.informerConfigurationBuilder(context)
        .withName("prepare-jobs")
        .withLabelSelector(
            ChildLabels.SELECTOR
                + ","
                + ChildLabels.COMPONENT
                + "="
                + TrainerJobDependentResource.Role.PREPARE.component());
  }

  @Override
  ItemStore<Job> cache() {
    return PrunedItemStore.jobs();
  }

  @Override
  public Matcher.Result<Job> match(Job actual, FineTuneJob job, Context<FineTuneJob> context) {
    boolean suspend = SpecDefaults.suspend(job.getSpec());
    return Matcher.Result.nonComputed(
        suspend == Boolean.TRUE.equals(actual.getSpec().getSuspend()));
  }

  @Override
  public Job update(Job actual, Job desired, FineTuneJob job, Context<FineTuneJob> context) {
    Job updated =
        TrainerJobDependentResource.withSuspend(
            actual, SpecDefaults.suspend(job.getSpec()), context);
    onUpdated(job, updated, actual, context);
    return updated;
  }
}
