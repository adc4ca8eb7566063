/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.StepStatus;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.AppliedSpec;
import dev.finetune.operator.desired.ChildLabels;
import dev.finetune.operator.desired.ChildNames;
import dev.finetune.operator.desired.PrepareJobDependentResource;
import dev.finetune.operator.desired.PublishJobDependentResource;
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
import dev.finetune.operator.status.PrepareReports;
import dev.finetune.operator.status.ProgressReports;
import dev.finetune.operator.status.PublishInterpreter;
import dev.finetune.operator.status.Reasons;
import dev.finetune.operator.status.StatusAggregator;
import dev.finetune.operator.status.StepRecords;
import dev.finetune.operator.status.TrainerStateInterpreter;
import dev.finetune.operator.status.TransitionEvents;
import dev.finetune.operator.validation.FineTuneJobValidator;
import io.fabric8.kubernetes.api.model.Pod;
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
 * Orchestrates one FineTuneJob: validate; create the inputs (config, workspace claim); run the step
 * pipeline (prepare, then trainer: each a Job, see {@link StepPipeline}); assemble the status from
 * what the steps found; write it and its Events. Each part is a small class of its own; this class
 * only puts them in order.
 */
@ControllerConfiguration(name = FineTuneJobReconciler.NAME)
public class FineTuneJobReconciler implements Reconciler<FineTuneJob> {
  public static final String NAME = "finetunejob";

  /** A trainer that has not answered /progress within this is "unreachable" for this poll. */
  static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(3);

  private final FineTuneJobValidator validator = new FineTuneJobValidator();
  private final TrainerConfigMapDependentResource configMap;
  private final WorkspaceClaimDependentResource workspace;
  private final TrainerStep trainerStep;
  private final StepPipeline pipeline;
  private final StatusAggregator statusAggregator;
  private final StepRecords stepRecords;
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
    this.trainerStep = new TrainerStep(new TrainerJobDependentResource(config));
    this.pipeline =
        new StepPipeline(
            List.of(
                new PrepareStep(new PrepareJobDependentResource(config)),
                trainerStep,
                new PublishStep(new PublishJobDependentResource(config), config, clock)));
    this.statusAggregator = new StatusAggregator(clock);
    this.stepRecords = new StepRecords(clock);
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
    List<EventSource<?, FineTuneJob>> sources = new ArrayList<>();
    sources.add(configMap.eventSource(context).orElseThrow());
    sources.add(workspace.eventSource(context).orElseThrow());
    pipeline.steps().forEach(step -> sources.add(step.eventSource(context)));
    sources.add(pods);
    sources.add(ProgressPoller.eventSource(poller, context));
    return sources;
  }

  @Override
  public UpdateControl<FineTuneJob> reconcile(FineTuneJob job, Context<FineTuneJob> context) {
    FineTuneJobStatus previous = job.getStatus();
    Run run;
    if (isSettled(job)) {
      run = settled(job, context);
    } else {
      List<String> errors = validator.validate(job);
      run = errors.isEmpty() ? runSteps(job, context) : Run.invalid(errors);
    }
    FineTuneJobStatus next = status(job, context, run);
    UpdateControl<FineTuneJob> control = write(job, context, previous, next, run.created());
    Optional<Duration> again = run.retryAfter();
    if (again.isPresent()
        && control.getScheduleDelay().map(d -> d > again.get().toMillis()).orElse(true)) {
      return control.rescheduleAfter(again.get());
    }
    return control;
  }

  /**
   * What one reconcile found.
   *
   * @param decision the FineTuneJob's phase and why
   * @param valid whether the spec passed validation
   * @param inputs the ConfigMap and claim created in this reconcile
   * @param outcomes the steps that ran, in order
   * @param trainer the trainer's Job and pods (none before the trainer step)
   * @param keptRestarts the restarts counted before, for a run whose trainer Job may be gone
   */
  private record Run(
      PhaseDecision decision,
      boolean valid,
      List<String> inputs,
      List<StepOutcome> outcomes,
      TrainerObservation trainer,
      Integer keptRestarts) {
    static Run invalid(List<String> errors) {
      return new Run(
          new PhaseDecision(
              Phase.Failed, Reasons.INVALID_SPEC, "invalid spec: " + String.join("; ", errors)),
          false,
          List.of(),
          List.of(),
          TrainerObservation.none(),
          null);
    }

    Optional<StepOutcome> outcome(Step step) {
      return outcomes.stream().filter(o -> o.step() == step).findFirst();
    }

    /** The soonest another look is wanted by a step (a retry's back-off), if any. */
    Optional<Duration> retryAfter() {
      return outcomes.stream()
          .map(StepOutcome::retryAfter)
          .flatMap(Optional::stream)
          .min(Duration::compareTo);
    }

    /** What this reconcile created; the trainer Job among them gives the Event its reason. */
    TransitionEvents.Created created() {
      List<String> objects = new ArrayList<>(inputs);
      outcomes.forEach(o -> o.created().ifPresent(objects::add));
      boolean trainerJob =
          outcomes.stream()
              .anyMatch(o -> o.step() instanceof TrainerStep && o.created().isPresent());
      return new TransitionEvents.Created(objects, trainerJob);
    }
  }

  /** Succeeded and Failed are final: no step runs again (a Job removed by its TTL stays gone). */
  private Run settled(FineTuneJob job, Context<FineTuneJob> context) {
    PhaseDecision decision = finalDecision(job.getStatus());
    return new Run(
        decision,
        !Reasons.INVALID_SPEC.equals(decision.reason()),
        List.of(),
        List.of(),
        trainerStep.observe(job, context),
        // The trainer Job may be gone (ttlSecondsAfterFinished): keep what was counted.
        job.getStatus().getRestarts());
  }

  /** Creates the inputs the pods mount, then runs the steps until one decides the phase. */
  private Run runSteps(FineTuneJob job, Context<FineTuneJob> context) {
    List<String> inputs = createInputs(job, context);
    List<StepOutcome> outcomes = pipeline.run(job, context);
    PhaseDecision decision = outcomes.get(outcomes.size() - 1).decision().orElseThrow();
    Optional<TrainerObservation> trainer =
        outcomes.stream()
            .filter(o -> o.step() == trainerStep)
            .map(StepOutcome::observed)
            .findFirst();
    // Past the trainer (publishing), its Job is not read again: keep the restarts it counted.
    Integer keptRestarts =
        trainer.isEmpty() && StepRecords.succeeded(job.getStatus(), trainerStep.name())
            ? job.getStatus().getRestarts()
            : null;
    return new Run(
        decision, true, inputs, outcomes, trainer.orElse(TrainerObservation.none()), keptRestarts);
  }

  /**
   * The next status, assembled from what the steps contribute: the trainer's observation feeds
   * {@link StatusAggregator} (phase, conditions, progress, restarts), each step adds its own
   * fields, and status.steps records where each step's Job is.
   */
  private FineTuneJobStatus status(FineTuneJob job, Context<FineTuneJob> context, Run run) {
    FineTuneJobStatus previous = job.getStatus();
    TrainerObservation trainer = run.trainer();
    boolean trainerRan = run.outcome(trainerStep).isPresent();
    FineTuneJobStatus next =
        statusAggregator.next(
            job,
            run.decision(),
            run.valid(),
            trainer.job() == null ? List.of() : AppliedSpec.changedFields(job, trainer.job()),
            trainer.job() == null ? null : trainer.job().getMetadata().getName(),
            run.keptRestarts() != null
                ? run.keptRestarts()
                : TrainerStateInterpreter.restarts(trainer),
            trainerRan ? report(job, context, trainer) : TrainerReport.none());
    List<StepStatus> steps = previous == null ? null : previous.getSteps();
    for (Step step : pipeline.steps()) {
      Optional<StepOutcome> outcome = run.outcome(step);
      step.contribute(job, next, previous, outcome);
      if (outcome.isPresent()) {
        steps =
            stepRecords.next(
                steps, step.name(), outcome.get().observed().job(), outcome.get().decision());
      }
    }
    next.setSteps(steps);
    PublishInterpreter.condition(job, next, run.decision())
        .ifPresent(
            p ->
                statusAggregator.putCondition(
                    job, next, ConditionTypes.PUBLISHED, p.status(), p.reason(), p.message()));
    return next;
  }

  /** Writes {@code next} and its Events, unless nothing changed or the write must wait. */
  private UpdateControl<FineTuneJob> write(
      FineTuneJob job,
      Context<FineTuneJob> context,
      FineTuneJobStatus previous,
      FineTuneJobStatus next,
      TransitionEvents.Created children) {
    String uid = job.getMetadata().getUid();
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
    return new TrainerReport(
        poll,
        ProgressReports.result(observed.pods(), locate),
        ProgressReports.trainer(observed.pods()),
        locate);
  }

  /** Creates the ConfigMap and the claim the pods mount when missing; says what it created. */
  private List<String> createInputs(FineTuneJob job, Context<FineTuneJob> context) {
    List<String> created = new ArrayList<>();
    if (configMap.reconcile(job, context).getSingleOperation()
        == ReconcileResult.Operation.CREATED) {
      created.add("ConfigMap " + ChildNames.trainerConfigMap(job));
    }
    if (WorkspaceClaimDependentResource.isNeeded(job)
        && workspace.reconcile(job, context).getSingleOperation()
            == ReconcileResult.Operation.CREATED) {
      created.add("PersistentVolumeClaim " + ChildNames.workspaceClaim(job));
    }
    return created;
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
