/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.api.protocol.TrainerRuntime;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.device.DeviceCheck;
import dev.finetune.trainer.io.StorageFull;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.model.Precision;
import dev.finetune.trainer.source.SourceResolver;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One training run from a {@link TrainRequest} to its {@link TrainerResult}: loads the model and
 * the data, resumes from the newest complete checkpoint, trains with checkpointing and evaluation
 * as listeners (plus the caller's: progress, console, stop signal), and saves {@code final/} (and
 * {@code merged/}) with {@code trainer_state.json}.
 */
public final class TrainRunner {
  /** 128 + SIGTERM, as a shell reports a process ended by the signal. */
  public static final int STOPPED_EXIT_CODE = 143;

  private final TrainRequest request;
  private final TaskScorer scorer;

  public TrainRunner(TrainRequest request) {
    this(request, null);
  }

  /**
   * @param scorer scores the evaluation tasks (lm-evaluation-harness's shapes); null when the
   *     request has none
   */
  public TrainRunner(TrainRequest request, TaskScorer scorer) {
    this.request = request;
    this.scorer = scorer;
  }

  /**
   * Trains; the listeners are called in order, before the run's own checkpointing and evaluation.
   *
   * @throws TrainerException on bad configuration or data, and with exit code 143 when a listener
   *     stopped the run early (its checkpoint is saved)
   */
  public TrainerResult run(List<TrainingListener> listeners) {
    // Before any download or load: a GPU job the engine cannot run fails in seconds (exit 69).
    TrainerRuntime runtime = DeviceCheck.run(request.training().gpus());
    listeners.forEach(l -> l.onDevicesChecked(runtime));
    SourceResolver sources = request.inputs().sources().resolver();
    Path modelDir = sources.model(request.inputs().model());
    // Before anything is loaded: a run that cannot fit the device fails in seconds.
    int microBatch =
        new DeviceFit(
                request, ModelConfig.read(modelDir), modelDir, Engine.getInstance().defaultDevice())
            .microBatch();
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(modelDir)) {
      ModelLoader.LoadedModel model = ModelLoader.load(modelDir, manager);
      if (request.inputs().adapter() != null) {
        model
            .block()
            .setAdapter(LoraAdapter.load(request.inputs().adapter(), model.block(), manager));
      }
      TrainingData data =
          TrainingData.load(request, sources, tokenizer, model.block().config(), model.directory());
      TrainedWeights trained = trainedWeights(model, manager);
      if (request.method().lora() && request.training().precision() == Precision.FLOAT16) {
        // The frozen base in float16: half its memory; outputs take its values from the source.
        model.block().narrowWeights(model.block().parametersByName().keySet());
        System.out.println("mixed precision: the frozen base model is held in float16");
      }
      ModelEvaluation evaluation = evaluation(sources, tokenizer);
      TrainerResult result =
          train(
              model.block(),
              trained,
              data.train(),
              data.validation(),
              data.counts(),
              manager,
              microBatch,
              listeners,
              evaluation);
      return TerminationMessage.ranOn(result, runtime);
    }
  }

  private TrainedWeights trainedWeights(ModelLoader.LoadedModel model, NDManager manager) {
    if (!request.method().lora()) {
      return new FullWeights(model);
    }
    LoraConfig config = request.method().loraConfig(model.block().defaultLoraTargets());
    List<String> targets = config.targetModules();
    LoraAdapter adapter =
        LoraAdapter.create(model.block(), config, request.training().seed(), manager);
    model.block().setAdapter(adapter);
    System.out.println(
        "LoRA r="
            + config.rank()
            + " alpha="
            + config.alpha()
            + " on "
            + adapter.modules().size()
            + " modules ("
            + String.join(",", targets)
            + ")");
    return new LoraWeights(model, adapter, config, request.inputs().baseModelName());
  }

  private TrainerResult train(
      CausalLmBlock model,
      TrainedWeights trained,
      List<Example> examples,
      List<Example> eval,
      TrainingRun.DataCounts counts,
      NDManager manager,
      int microBatch,
      List<TrainingListener> callerListeners,
      ModelEvaluation evaluation) {
    model.setPrecision(request.training().precision());
    Objective objective = objective(model, examples, eval, microBatch, manager);
    // The base model's scores: before a checkpoint is restored, while the weights are the start's.
    ModelEvaluation.Scores base =
        evaluation == null
            ? null
            : evaluation.base(
                model,
                request.method().lora(),
                new ModelEvaluation.Validation(
                    new Evaluator(objective, request.training().batchSize()), eval),
                request.checkpointing().dir(),
                manager);
    TrainingLoop loop = new TrainingLoop(model, objective, trained, withDevices(manager), manager);
    CheckpointStore checkpoints =
        new CheckpointStore(
            request.checkpointing().dir(), request.checkpointing().saveTotalLimit());
    List<StepRecord> history = new ArrayList<>();
    long start = 0;
    Optional<Path> latest = checkpoints.latest();
    if (latest.isPresent()) {
      CheckpointStore.Restored restored =
          checkpoints.restore(latest.get(), trained, loop.optimizer(), manager);
      start = restored.step();
      history.addAll(restored.history());
      if (request.training().sizing().auto() && restored.trainBatchSize() != null) {
        // What auto chose (and any halving since) holds for the rest of the run.
        microBatch = Math.min(microBatch, restored.trainBatchSize());
      }
      loop.resume(history);
      System.out.println("resuming from " + restored.path() + " (step " + start + ")");
    }
    List<TrainingListener> listeners = new ArrayList<>(callerListeners);
    listeners.add(
        new EvaluationListener(new Evaluator(objective, request.training().batchSize()), eval));
    EarlyStoppingListener earlyStopping =
        request.training().earlyStopping() == null
            ? null
            : new EarlyStoppingListener(request.training().earlyStopping(), checkpoints);
    if (earlyStopping != null) {
      listeners.add(earlyStopping);
    }
    listeners.add(new CheckpointListener(checkpoints, request.checkpointing().saveEverySteps()));
    TrainingRun run =
        new TrainingRun(
            model,
            trained,
            loop.optimizer(),
            manager,
            start,
            loop.totalSteps(examples.size()),
            loop.stepsPerEpoch(examples.size()),
            latest.isPresent(),
            history,
            listeners,
            counts,
            microBatch);
    loop.useMicroBatch(microBatch);
    loop.onMicroBatchChange(run::microBatchChanged);
    long done;
    try {
      run.begin();
      done =
          loop.run(
              examples, start, run::step, run::evaluationDue, run::stepEnd, run::stopRequested);
      run.end(done);
    } finally {
      closeAll(listeners);
    }
    TrainerResult result = finish(run, done, checkpoints, earlyStopping);
    if (evaluation == null) {
      return result;
    }
    // The output model: the last step's weights, or the best checkpoint's with early stopping.
    List<EvaluationResult> compared =
        ModelEvaluation.compare(base, evaluation.tuned(model, result.evalLoss(), manager));
    ModelEvaluation.writeReport(request.checkpointing().output(), compared);
    if (request.reporting().tensorboard()) {
      ModelEvaluation.writeTensorBoard(
          request.checkpointing().output().resolve(ReportingOptions.TENSORBOARD_DIR),
          compared,
          result.steps() == null ? 0 : result.steps());
    }
    return result.withEvaluation(compared);
  }

  /** The run's evaluation against the base model, or null when none was asked for. */
  private ModelEvaluation evaluation(SourceResolver sources, TextTokenizer tokenizer) {
    EvaluationOptions options = request.evaluation();
    if (!options.enabled()) {
      return null;
    }
    if (options.any() && scorer == null) {
      throw new IllegalStateException("evaluation tasks given but no task scorer");
    }
    Map<String, Path> files = new LinkedHashMap<>();
    for (EvaluationOptions.Task task : options.tasks()) {
      files.put(task.name(), sources.dataFile(task.source()));
    }
    return new ModelEvaluation(options, scorer, files, tokenizer);
  }

  /**
   * What the run optimises. DPO's reference log-probabilities come from the starting weights, so
   * this runs before a checkpoint is restored.
   */
  private Objective objective(
      CausalLmBlock model,
      List<Example> examples,
      List<Example> eval,
      int microBatch,
      NDManager manager) {
    if (!request.objective().dpo()) {
      return new SftObjective();
    }
    ReferenceLogProbs reference =
        ReferenceLogProbs.loadOrCompute(
            request.checkpointing().dir(),
            model,
            examples,
            eval,
            microBatch,
            request.method().lora(),
            manager);
    System.out.println(
        "DPO: loss "
            + request.objective().loss().wireName()
            + ", beta "
            + request.objective().beta()
            + (request.objective().labelSmoothing() > 0
                ? ", label smoothing " + request.objective().labelSmoothing()
                : "")
            + "; the reference is the starting "
            + (request.method().lora() ? "base model (the adapter off)" : "weights"));
    return new DpoObjective(request.objective(), reference);
  }

  /**
   * The training options with the replica count resolved: as given, or one per GPU the process sees
   * (a pod sees the GPUs it requested), one on the CPU.
   */
  private TrainingOptions withDevices(NDManager manager) {
    TrainingOptions options = request.training();
    int replicas =
        options.replicas() > 0
            ? options.replicas()
            : manager.getDevice().isGpu() ? Math.max(1, Engine.getInstance().getGpuCount()) : 1;
    if (replicas > 1) {
      int micro = options.gradientAccumulationSteps();
      System.out.println(
          "data parallel: "
              + replicas
              + " replicas on "
              + (manager.getDevice().isGpu() ? replicas + " GPUs" : "the CPU")
              + ", "
              + micro
              + " micro-batches of "
              + options.batchSize()
              + " per step dealt to them in turn");
      if (micro % replicas != 0) {
        System.out.println(
            "note: gradientAccumulationSteps "
                + micro
                + " is not a multiple of "
                + replicas
                + ": some replicas idle during part of each step");
      }
    }
    return options.withReplicas(replicas);
  }

  private TrainerResult finish(
      TrainingRun run, long done, CheckpointStore checkpoints, EarlyStoppingListener early) {
    long total = run.totalSteps();
    boolean stoppedEarly = done < total && run.finishRequested();
    if (done < total && !stoppedEarly) {
      System.err.println("stopped by SIGTERM after step " + done + "; saved checkpoint-" + done);
      throw new TrainerException(
          "stopped by SIGTERM after step "
              + done
              + " of "
              + total
              + "; checkpoint-"
              + done
              + " holds the run and the next start resumes from it",
          STOPPED_EXIT_CODE);
    }
    EarlyStopping.State best = early == null ? null : early.state();
    if (best != null && best.bestValue() != null && best.bestStep() != done) {
      // load_best_model_at_end: the best evaluation's checkpoint becomes final/ (and merged/).
      checkpoints.restoreWeights(checkpoints.pathOf(best.bestStep()), run.trained(), run.manager());
      System.out.println(
          "final/ is the best model: step "
              + best.bestStep()
              + ", "
              + request.training().earlyStopping().metric()
              + " "
              + best.bestValue());
    }
    Path finalDir = request.checkpointing().output().resolve("final");
    writeOutput("final/", finalDir, () -> run.trained().write(finalDir));
    run.state(done).write(request.checkpointing().output().resolve("trainer_state.json"));
    System.out.println("saved the " + run.trained().layout() + " to " + finalDir);
    if (request.method().mergeAdapter() && run.trained() instanceof LoraWeights loraWeights) {
      Path merged = request.checkpointing().output().resolve("merged");
      writeOutput("merged/", merged, () -> loraWeights.writeMerged(merged));
      System.out.println("saved the merged model to " + merged);
    }
    return TerminationMessage.success(
        finalDir,
        run.trained().layout(),
        run.history(),
        best == null ? null : best,
        stoppedEarly,
        run.state(done));
  }

  /** Writes an output folder; on a full volume the partial folder goes and the run fails (73). */
  private static void writeOutput(String what, Path dir, Runnable write) {
    try {
      write.run();
    } catch (UncheckedIOException e) {
      throw StorageFull.of(e, what, dir, java.util.Optional.empty()).orElseThrow(() -> e);
    }
  }

  private static void closeAll(List<TrainingListener> listeners) {
    for (TrainingListener listener : listeners) {
      if (listener instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          System.err.println("warning: closing " + listener + ": " + e.getMessage());
        }
      }
    }
  }
}
