/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;

/**
 * A step's {@code batch/v1 Job}: {@link StepJob}'s template with the step's {@link StepProfile}.
 * Created once and never rewritten: the only field the operator ever changes on a started Job is
 * {@code spec.suspend}, which Kubernetes allows and which is how {@code runPolicy.suspend} stops
 * and resumes a run. Any other spec change is reported, not applied (see {@link AppliedSpec}).
 */
public abstract class StepJobDependentResource extends FineTuneJobChildResource<Job>
    implements Creator<Job, FineTuneJob>, Updater<Job, FineTuneJob> {
  private final String component;
  private final OperatorConfig config;

  /**
   * @param component the step's component label: its informer sees its Jobs only
   */
  StepJobDependentResource(String component, OperatorConfig config) {
    super(Job.class);
    this.component = component;
    this.config = config;
  }

  /** The step's profile for {@code job}. */
  public abstract StepProfile profile(FineTuneJob job);

  /** The step's component label (its name in status.steps). */
  public String component() {
    return component;
  }

  OperatorConfig config() {
    return config;
  }

  @Override
  String childName(FineTuneJob job) {
    return profile(job).jobName();
  }

  @Override
  protected Job desired(FineTuneJob job, Context<FineTuneJob> context) {
    return StepJob.desired(job, config, profile(job));
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<Job> informerConfigurationBuilder(
      EventSourceContext<FineTuneJob> context) {
    return super.informerConfigurationBuilder(context)
        .withName(component + "-jobs")
        .withLabelSelector(ChildLabels.SELECTOR + "," + ChildLabels.COMPONENT + "=" + component);
  }

  @Override
  ItemStore<Job> cache() {
    return PrunedItemStore.jobs();
  }

  /** Matches as long as suspension is as wanted: nothing else of a started Job is managed. */
  @Override
  public Matcher.Result<Job> match(Job actual, FineTuneJob job, Context<FineTuneJob> context) {
    boolean actualSuspend = Boolean.TRUE.equals(actual.getSpec().getSuspend());
    boolean matched =
        StepJob.wantedSuspend(job, profile(job)).map(want -> want == actualSuspend).orElse(true);
    return Matcher.Result.nonComputed(matched);
  }

  /** Sets {@code spec.suspend} of the started Job: the one field the operator changes on it. */
  @Override
  public Job update(Job actual, Job desired, FineTuneJob job, Context<FineTuneJob> context) {
    boolean suspend = StepJob.wantedSuspend(job, profile(job)).orElse(false);
    Job updated =
        context
            .getClient()
            .batch()
            .v1()
            .jobs()
            .resource(actual)
            .edit(j -> new JobBuilder(j).editSpec().withSuspend(suspend).endSpec().build());
    onUpdated(job, updated, actual, context);
    return updated;
  }
}
