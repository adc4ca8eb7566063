/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.AppliedSpec;
import dev.finetune.operator.desired.ChildLabels;
import dev.finetune.operator.desired.ChildNames;
import dev.finetune.operator.desired.PrepareJobDependentResource;
import dev.finetune.operator.desired.TrainerConfigMapDependentResource;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import dev.finetune.operator.desired.TrainerVolumes;
import dev.finetune.operator.desired.WorkspaceClaimDependentResource;
import dev.finetune.operator.metrics.JobPhaseMetrics;
import dev.finetune.operator.observe.ProgressObservation;
import dev.finetune.operator.observe.ProgressPoller;
import dev.finetune.operator.observe.TrainerObservation;
import dev.finetune.operator.observe.TrainerProgressClient;
import dev.finetune.operator.observe.TrainerReport;
import dev.finetune.operator.status.ConditionTypes;
import dev.finetune.operator.status.EventRecorder;
import dev.finetune.operator.status.PhaseDecision;
import dev.finetune.operator.status.PrepareInterpreter;
import dev.finetune.operator.status.PrepareReports;
import dev.finetune.operator.status.ProgressReports;
import dev.finetune.operator.status.Reasons;
import dev.finetune.operator.status.StatusAggregator;
import dev.finetune.operator.status.TrainerStateInterpreter;
import dev.finetune.operator.status.TransitionEvents;
import dev.finetune.operator.validation.FineTuneJobValidator;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Orchestrates one FineTuneJob: validate, create the children (config, workspace claim, trainer
 * Job), observe the trainer, and write status and events. Each step is a small class of its own;
 * this class only puts them in order.
 */
@ControllerConfiguration(name = FineTuneJobReconciler.NAME)
public class FineTuneJobReconciler implements Reconciler<FineTuneJob> {
  public static final String NAME = "finetunejob";

  /** A trainer that has not answered /progress within this is "unreachable" for this poll. */
  static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(3);

  private final FineTuneJobValidator validator = new FineTuneJobValidator();
  private final TrainerConfigMapDependentResource configMap;
  private final WorkspaceClaimDependentResource workspace;
  private final PrepareJobDependentResource prepareJob;
  private final TrainerJobDependentResource trainerJob;
  private final StatusAggregator statusAggregator;
  private final EventRecorder events;
  private final JobPhaseMetrics metrics;
  private final OperatorConfig config;
  private final StatusWriteLimiter limiter;

  public FineTuneJobReconciler(
      OperatorConfig config, EventRecorder events, Clock clock, JobPhaseMetrics metrics) {
    this.config = config;
    this.limiter = new StatusWriteLimiter(config.minStatusInterval(), clock);
    this.configMap = new TrainerConfigMapDependentResource(config);
    this.workspace = new WorkspaceClaimDependentResource();
    this.prepareJob = new PrepareJobDependentResource(config);
    this.trainerJob = new TrainerJobDependentResource(config);
    this.statusAggregator = new StatusAggregator(clock);
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, FineTuneJob>> prepareEventSources(
      EventSourceContext<FineTuneJob> context) {
    metrics.watch(context.getPrimaryCache());
    InformerEventSource<Pod, FineTuneJob> pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, FineTuneJob.class)
                .withName("trainer-pods")
                .withLabelSelector(ChildLabels.SELECTOR)
                .withSecondaryToPrimaryMapper(ChildLabels::owningJob)
                .build(),
            context);
    ProgressPoller poller =
        new ProgressPoller(
            new TrainerProgressClient(PROGRESS_TIMEOUT), config, pods::getSecondaryResources);
    return List.of(
        configMap.eventSource(context).orElseThrow(),
        workspace.eventSource(context).orElseThrow(),
        prepareJob.eventSource(context).orElseThrow(),
        trainerJob.eventSource(context).orElseThrow(),
        pods,
        ProgressPoller.eventSource(poller, context));
  }

  @Override
  public UpdateControl<FineTuneJob> reconcile(FineTuneJob job, Context<FineTuneJob> context) {
    FineTuneJobStatus previous = job.getStatus();
    PhaseDecision decision;
    boolean valid = true;
    TrainerObservation observed;
    Integer restarts = null;
    TrainerReport report = TrainerReport.none();
    List<String> created = new ArrayList<>();
    boolean jobCreated = false;
    Optional<PrepareResult> prepared = Optional.empty();

    if (isSettled(job)) {
      // Succeeded and Failed are final: a Job removed by its TTL must not be re-created.
      observed = observe(job, context, null);
      decision = finalDecision(previous);
      valid = !Reasons.INVALID_SPEC.equals(decision.reason());
      // The trainer Job may be gone (ttlSecondsAfterFinished): keep what was counted.
      restarts = previous.getRestarts();
    } else {
      List<String> errors = validator.validate(job);
      if (!errors.isEmpty()) {
        valid = false;
        observed = TrainerObservation.none();
        decision =
            new PhaseDecision(
                Phase.Failed, Reasons.INVALID_SPEC, "invalid spec: " + String.join("; ", errors));
      } else {
        createInputs(job, context, created);
        Optional<PhaseDecision> preparing = Optional.empty();
        if (!preparedBefore(job, context)) {
          TrainerObservation prepare = prepare(job, context, created);
          preparing = PrepareInterpreter.decide(job, prepare);
          prepared = PrepareInterpreter.result(prepare);
        }
        if (preparing.isPresent()) {
          // No trainer Job, so no GPU, until the prepare step has passed.
          observed = TrainerObservation.none();
          decision = preparing.get();
        } else {
          ReconcileResult<Job> trainer = trainerJob.reconcile(job, context);
          if (trainer.getSingleOperation() == ReconcileResult.Operation.CREATED) {
            created.add("trainer Job " + ChildNames.trainerJob(job));
            jobCreated = true;
          }
          observed = observe(job, context, trainer.getSingleResource().orElse(null));
          decision = TrainerStateInterpreter.decide(job, observed);
          report = report(job, context, observed);
        }
      }
    }

    List<String> changed =
        observed.job() == null ? List.of() : AppliedSpec.changedFields(job, observed.job());
    FineTuneJobStatus next =
        statusAggregator.next(
            job,
            decision,
            valid,
            changed,
            observed.job() == null ? null : observed.job().getMetadata().getName(),
            restarts != null ? restarts : TrainerStateInterpreter.restarts(observed),
            report);
    PrepareReports.apply(next, previous, prepared, TrainerVolumes.plan(job)::sourceOf);
    String uid = job.getMetadata().getUid();
    TransitionEvents.Created children = new TransitionEvents.Created(created, jobCreated);
    if (Objects.equals(previous, next)) {
      TransitionEvents.record(events, job, previous, next, children);
      return UpdateControl.noUpdate();
    }
    Optional<Duration> wait = limiter.holdBack(uid, previous, next);
    if (wait.isPresent()) {
      TransitionEvents.record(events, job, previous, previous, children);
      return UpdateControl.<FineTuneJob>noUpdate().rescheduleAfter(wait.get());
    }
    TransitionEvents.record(events, job, previous, next, children);
    if ((previous == null || previous.getDataset() == null) && next.getDataset() != null) {
      events.record(
          job, EventRecorder.Type.Normal, Reasons.DATA_VALIDATED, PrepareReports.summary(next));
    }
    // Patched here rather than through UpdateControl.patchStatus: the utility keeps the patched
    // FineTuneJob in the controller's cache until the watch delivers it, so a reconcile that the
    // children just created wake (their informer events come within milliseconds) reads this
    // status instead of the stale one, and does not write the same status and Event again.
    PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
        job,
        context,
        fresh -> {
          fresh.setStatus(next);
          return fresh;
        });
    if (next.getPhase() != null && next.getPhase().isFinal()) {
      limiter.forget(uid);
    } else {
      limiter.written(uid);
    }
    return UpdateControl.noUpdate();
  }

  /** The latest progress poll and, once the trainer ended, its termination message's result. */
  private static TrainerReport report(
      FineTuneJob job, Context<FineTuneJob> context, TrainerObservation observed) {
    TrainerVolumes volumes = TrainerVolumes.plan(job);
    UnaryOperator<String> locate = volumes::sourceOf;
    ProgressObservation poll = context.getSecondaryResource(ProgressObservation.class).orElse(null);
    return new TrainerReport(poll, ProgressReports.result(observed.pods(), locate), locate);
  }

  /**
   * Creates the ConfigMap and the claim the pods mount when missing, adding what it created to
   * {@code created} (named in one Event with the status change).
   */
  private void createInputs(FineTuneJob job, Context<FineTuneJob> context, List<String> created) {
    if (configMap.reconcile(job, context).getSingleOperation()
        == ReconcileResult.Operation.CREATED) {
      created.add("ConfigMap " + ChildNames.trainerConfigMap(job));
    }
    if (WorkspaceClaimDependentResource.isNeeded(job)
        && workspace.reconcile(job, context).getSingleOperation()
            == ReconcileResult.Operation.CREATED) {
      created.add("PersistentVolumeClaim " + ChildNames.workspaceClaim(job));
    }
  }

  /**
   * Whether the prepare step passed earlier: the trainer Job exists, or the status holds the
   * prepare step's dataset. Its Job may be gone by then (ttlSecondsAfterFinished) and must not be
   * created again.
   */
  private boolean preparedBefore(FineTuneJob job, Context<FineTuneJob> context) {
    return trainerJob.getSecondaryResource(job, context).isPresent()
        || (job.getStatus() != null && job.getStatus().getDataset() != null);
  }

  /** Creates the prepare Job when missing (or follows its suspension); observes it. */
  private TrainerObservation prepare(
      FineTuneJob job, Context<FineTuneJob> context, List<String> created) {
    ReconcileResult<Job> result = prepareJob.reconcile(job, context);
    if (result.getSingleOperation() == ReconcileResult.Operation.CREATED) {
      created.add("prepare Job " + ChildNames.prepareJob(job));
    }
    Job current =
        result
            .getSingleResource()
            .or(() -> prepareJob.getSecondaryResource(job, context))
            .orElse(null);
    return withPods(current, context);
  }

  /**
   * The trainer Job (the one just reconciled, else the cached one) and the pods it owns; pods of an
   * earlier Job of the same name are ignored.
   */
  private TrainerObservation observe(
      FineTuneJob job, Context<FineTuneJob> context, Job reconciled) {
    Job current =
        Optional.ofNullable(reconciled)
            .or(() -> trainerJob.getSecondaryResource(job, context))
            .orElse(null);
    return withPods(current, context);
  }

  /** {@code current} and the pods it owns (by the Job's uid). */
  private static TrainerObservation withPods(Job current, Context<FineTuneJob> context) {
    if (current == null) {
      return TrainerObservation.none();
    }
    String uid = current.getMetadata().getUid();
    List<Pod> pods =
        context.getSecondaryResources(Pod.class).stream()
            .filter(
                p ->
                    p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream()
                            .anyMatch(ref -> Objects.equals(ref.getUid(), uid)))
            .toList();
    return new TrainerObservation(current, pods);
  }

  private static boolean isSettled(FineTuneJob job) {
    FineTuneJobStatus status = job.getStatus();
    if (status == null || status.getPhase() == null || !status.getPhase().isFinal()) {
      return false;
    }
    // An invalid spec gets another look once the user has edited it.
    boolean invalidSpec = Reasons.INVALID_SPEC.equals(finalDecision(status).reason());
    boolean edited =
        !Objects.equals(status.getObservedGeneration(), job.getMetadata().getGeneration());
    return !(invalidSpec && edited);
  }

  private static PhaseDecision finalDecision(FineTuneJobStatus status) {
    String type =
        status.getPhase() == Phase.Succeeded ? ConditionTypes.SUCCEEDED : ConditionTypes.FAILED;
    String reason =
        status.getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .map(c -> c.getReason())
            .findFirst()
            .orElse(status.getPhase().name());
    return new PhaseDecision(status.getPhase(), reason, status.getMessage());
  }
}
