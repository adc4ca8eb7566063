/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.ndarray.NDManager;
import dev.finetune.api.metrics.PrometheusNaming;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Datasets;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.Gpt2Block;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.LoraConfig;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.progress.ProgressServer;
import dev.finetune.trainer.progress.ProgressTracker;
import dev.finetune.trainer.progress.StepReporter;
import dev.finetune.trainer.train.CheckpointStore;
import dev.finetune.trainer.train.Evaluator;
import dev.finetune.trainer.train.FullWeights;
import dev.finetune.trainer.train.LoraWeights;
import dev.finetune.trainer.train.LrSchedule;
import dev.finetune.trainer.train.StepRecord;
import dev.finetune.trainer.train.StopSignal;
import dev.finetune.trainer.train.TrainedWeights;
import dev.finetune.trainer.train.TrainerState;
import dev.finetune.trainer.train.TrainingLoop;
import dev.finetune.trainer.train.TrainingOptions;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Full or LoRA fine-tuning with AdamW; writes trainer_state.json and the result in final/. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tunes a model with AdamW (torch semantics): every weight, or a LoRA adapter with",
      "--method lora (the base weights stay untouched). The data is validated first: a",
      "bad line stops the run (exit code 65) unless --skip-invalid-lines is given.",
      "Writes OUTPUT/trainer_state.json (log_history: step, loss before the update,",
      "learning_rate, grad_norm before clipping, tokens) and OUTPUT/final/ (a Hugging Face",
      "model folder, or a PEFT adapter folder for LoRA)."
    })
final class TrainCommand implements Callable<Integer> {
  /** 128 + SIGTERM, as a shell reports a process ended by the signal. */
  static final int STOPPED_EXIT_CODE = 143;

  private StopSignal stop;
  private final PrometheusMeterRegistry registry = newRegistry();
  private final ProgressTracker progress = new ProgressTracker(registry, Clock.systemUTC());

  @Mixin ModelOptions options;

  @Option(
      names = "--config",
      description =
          "Trainer config JSON written by the operator; it stands for the flags it sets (expanded"
              + " before the other options are read).")
  Path config;

  @Option(
      names = "--termination-message-path",
      description =
          "Write the final result JSON (status, output, losses, tokens, steps) to this file, e.g."
              + " /dev/termination-log in a pod.")
  Path terminationMessagePath;

  @Option(
      names = "--save-every-steps",
      defaultValue = "0",
      description = "Write OUTPUT/checkpoint-<step>/ every N steps; 0 writes none (default).")
  long saveEverySteps;

  @Option(
      names = "--save-total-limit",
      defaultValue = "3",
      description = "Keep the newest N checkpoints (default ${DEFAULT-VALUE}).")
  int saveTotalLimit;

  @Option(
      names = "--checkpoint-dir",
      description =
          "Where checkpoints go (default: --output). A run resumes from the newest complete one"
              + " found there.")
  Path checkpointDir;

  @Option(
      names = "--stop-grace-seconds",
      defaultValue = "110",
      description =
          "On SIGTERM, finish the current step, save a checkpoint and exit (code 143) within this"
              + " many seconds (default ${DEFAULT-VALUE}; keep it below the pod's grace period).")
  long stopGraceSeconds;

  @Option(
      names = "--progress-port",
      defaultValue = "-1",
      description =
          "Serve GET /progress, /metrics and /healthz on this port; 0 picks a free one, -1 (the"
              + " default) serves nothing.")
  int progressPort;

  @Option(names = "--output", required = true, description = "Output directory.")
  Path output;

  @Option(
      names = "--method",
      defaultValue = "full",
      description =
          "full (every weight trains; final/ is a model) or lora (only a LoRA adapter trains;"
              + " final/ is a PEFT adapter). Default ${DEFAULT-VALUE}.")
  String method;

  @Option(
      names = "--lora-rank",
      defaultValue = "8",
      description = "LoRA rank r (default ${DEFAULT-VALUE}).")
  int loraRank;

  @Option(
      names = "--lora-alpha",
      defaultValue = "16",
      description = "LoRA alpha; the update is scaled by alpha / r (default ${DEFAULT-VALUE}).")
  double loraAlpha;

  @Option(
      names = "--lora-dropout",
      defaultValue = "0",
      description = "Dropout on the LoRA branch's input while training (default ${DEFAULT-VALUE}).")
  double loraDropout;

  @Option(
      names = "--lora-target-modules",
      split = ",",
      description =
          "Hugging Face module names to adapt, e.g. q_proj,v_proj (Llama/Qwen2) or c_attn"
              + " (GPT-2). Default: the attention query and value projections (PEFT's default).")
  List<String> loraTargetModules;

  @Option(
      names = "--merge-adapter",
      description =
          "With --method lora, also write OUTPUT/merged/: the base model with the adapter folded"
              + " into its weights, in Hugging Face layout.")
  boolean mergeAdapter;

  @Option(
      names = "--eval-data",
      description = "Validation JSONL, same format and source forms as --data.")
  String evalData;

  @Option(
      names = "--eval-max-length",
      description = "Tokens per validation example (default: --max-length).")
  Integer evalMaxLength;

  @Option(
      names = "--eval-every-steps",
      defaultValue = "0",
      description = "Evaluate every N steps (default: at the end of each epoch).")
  long evalEverySteps;

  @ArgGroup(exclusive = true)
  Length length = new Length();

  static final class Length {
    @Option(names = "--epochs", description = "Passes over the data (default 1).")
    Integer epochs;

    @Option(names = "--max-steps", description = "Optimizer steps instead of whole epochs.")
    Long maxSteps;
  }

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      description = "Examples per micro-batch (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--gradient-accumulation-steps",
      defaultValue = "1",
      description = "Micro-batches per optimizer step (default ${DEFAULT-VALUE}).")
  int accumulation;

  @Option(
      names = "--learning-rate",
      description = "Peak learning rate (default 2e-5 for full fine-tuning, 2e-4 for LoRA).")
  Double learningRate;

  @Option(
      names = "--weight-decay",
      defaultValue = "0",
      description = "AdamW decoupled weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(
      names = "--adam-beta1",
      defaultValue = "0.9",
      description = "AdamW beta1 (default ${DEFAULT-VALUE}).")
  double beta1;

  @Option(
      names = "--adam-beta2",
      defaultValue = "0.999",
      description = "AdamW beta2 (default ${DEFAULT-VALUE}).")
  double beta2;

  @Option(
      names = "--adam-eps",
      defaultValue = "1e-8",
      description = "AdamW eps (default ${DEFAULT-VALUE}).")
  double eps;

  @Option(
      names = "--max-grad-norm",
      defaultValue = "1.0",
      description =
          "Clip the global gradient norm; 0 turns clipping off (default ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(
      names = "--scheduler",
      defaultValue = "linear",
      description = "constant, linear or cosine decay after warmup (default ${DEFAULT-VALUE}).")
  String scheduler;

  @Option(
      names = "--warmup-steps",
      defaultValue = "0",
      description = "Linear warmup steps (default ${DEFAULT-VALUE}).")
  long warmupSteps;

  @Option(
      names = "--warmup-ratio",
      defaultValue = "0",
      description = "Warmup as a fraction of all steps (instead of --warmup-steps).")
  double warmupRatio;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed for shuffling and initialisation (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--no-shuffle",
      description = "Keep the file order: step k uses examples k*B*G onwards.")
  boolean noShuffle;

  @Option(
      names = "--skip-invalid-lines",
      description = "Skip bad lines (reported) instead of stopping.")
  boolean skipInvalid;

  @Option(
      names = "--log-every-steps",
      defaultValue = "10",
      description =
          "Without a terminal, print a progress line every N steps (default ${DEFAULT-VALUE}).")
  int logEvery;

  @Option(
      names = "--no-progress-bar",
      description = "Print log lines even on an interactive terminal.")
  boolean noProgressBar;

  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusNaming.apply(registry);
    return registry;
  }

  @Override
  public Integer call() {
    stop = StopSignal.onSigterm(java.time.Duration.ofSeconds(stopGraceSeconds));
    ProgressServer server = null;
    try {
      server = startProgressServer();
      int code = train();
      progress.finished("Succeeded");
      return code;
    } catch (RuntimeException e) {
      progress.finished("Failed");
      TerminationMessage.write(terminationMessagePath, TerminationMessage.failure(output, e));
      throw e;
    } finally {
      if (server != null) {
        server.close();
      }
      // Only now may a SIGTERM'd JVM exit: the checkpoint and the message are written.
      stop.settled();
    }
  }

  private ProgressServer startProgressServer() {
    if (progressPort < 0) {
      return null;
    }
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    try {
      ProgressServer server = new ProgressServer(progressPort, progress, registry);
      System.out.println("serving /progress, /metrics and /healthz on port " + server.port());
      return server;
    } catch (java.io.IOException e) {
      throw TrainerException.config(
          "cannot serve progress on port " + progressPort + ": " + e.getMessage());
    }
  }

  private Integer train() {
    if (warmupRatio > 0 && warmupSteps > 0) {
      throw TrainerException.config("give either --warmup-steps or --warmup-ratio, not both");
    }
    TrainingOptions training =
        new TrainingOptions(
            batchSize,
            accumulation,
            length.epochs == null ? 1 : length.epochs,
            length.maxSteps == null ? 0 : length.maxSteps,
            learningRate != null ? learningRate : lora() ? 2e-4 : 2e-5,
            weightDecay,
            beta1,
            beta2,
            eps,
            maxGradNorm,
            parseScheduler(scheduler),
            warmupSteps,
            warmupRatio,
            seed,
            !noShuffle,
            evalEverySteps,
            logEvery,
            output);
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(options.modelDir())) {
      ModelLoader.LoadedModel model = options.load(manager);
      ExampleBuilder builder = options.examples(tokenizer, model);
      Datasets.Loaded train =
          Datasets.load(options.dataFile(), options.format, builder, skipInvalid);
      if (!train.skipped().isEmpty()) {
        System.err.println(
            "skipped "
                + train.skipped().size()
                + " invalid line(s): "
                + Datasets.describe(options.dataFile(), train.skipped()));
      }
      List<Example> eval =
          evalData == null
              ? List.of()
              : Datasets.load(
                      options.dataFile(evalData),
                      options.format,
                      evalBuilder(tokenizer, model, builder),
                      false)
                  .examples();
      TrainedWeights trained = trainedWeights(model, manager);
      TrainerResult result = run(model, trained, training, train.examples(), eval, manager);
      TerminationMessage.write(terminationMessagePath, result);
      return 0;
    }
  }

  private ExampleBuilder evalBuilder(
      TextTokenizer tokenizer, ModelLoader.LoadedModel model, ExampleBuilder trainBuilder) {
    return evalMaxLength == null ? trainBuilder : options.examples(tokenizer, model, evalMaxLength);
  }

  private boolean lora() {
    return switch (method.toLowerCase(Locale.ROOT)) {
      case "full" -> false;
      case "lora" -> true;
      default -> throw TrainerException.config("--method is full or lora, not \"" + method + "\"");
    };
  }

  private TrainedWeights trainedWeights(ModelLoader.LoadedModel model, NDManager manager) {
    if (!lora()) {
      if (mergeAdapter) {
        throw TrainerException.config("--merge-adapter needs --method lora");
      }
      return new FullWeights(model);
    }
    if (options.adapter != null) {
      throw TrainerException.config("--adapter cannot be combined with --method lora training");
    }
    List<String> targets =
        loraTargetModules != null ? loraTargetModules : defaultTargets(model.block());
    LoraConfig config = new LoraConfig(loraRank, loraAlpha, loraDropout, targets);
    LoraAdapter adapter = LoraAdapter.create(model.block(), config, seed, manager);
    model.block().setAdapter(adapter);
    System.out.println(
        "LoRA r="
            + loraRank
            + " alpha="
            + loraAlpha
            + " on "
            + adapter.modules().size()
            + " modules ("
            + String.join(",", targets)
            + ")");
    return new LoraWeights(model, adapter, config, options.baseModelName());
  }

  /** PEFT's defaults: the attention query and value projections. */
  static List<String> defaultTargets(CausalLmBlock block) {
    return block instanceof Gpt2Block ? List.of("c_attn") : List.of("q_proj", "v_proj");
  }

  TrainerResult run(
      ModelLoader.LoadedModel model,
      TrainedWeights trained,
      TrainingOptions training,
      List<Example> examples,
      List<Example> eval,
      NDManager manager) {
    TrainingLoop loop = new TrainingLoop(model.block(), trained, training, manager);
    long total = loop.totalSteps(examples.size());
    double epochs = (double) total / loop.stepsPerEpoch(examples.size());
    CheckpointStore checkpoints =
        new CheckpointStore(
            checkpointDir != null ? checkpointDir : training.outputDir(), saveTotalLimit);
    List<StepRecord> history = new ArrayList<>();
    long start = 0;
    var latest = checkpoints.latest();
    if (latest.isPresent()) {
      CheckpointStore.Restored restored =
          checkpoints.restore(latest.get(), trained, loop.optimizer(), manager);
      start = restored.step();
      history.addAll(restored.history());
      System.out.println("resuming from " + restored.path() + " (step " + start + ")");
    }
    progress.started(start, total, latest.isPresent() ? start : null);
    Evaluator evaluator = new Evaluator(training.batchSize());
    java.util.concurrent.atomic.AtomicLong lastSaved =
        new java.util.concurrent.atomic.AtomicLong(start);
    long done;
    try (StepReporter console =
        StepReporter.forConsole(!noProgressBar, start, total, training.logEverySteps())) {
      done =
          loop.run(
              examples,
              start,
              record -> {
                history.add(record);
                progress.step(record);
                console.step(record, progress.snapshot());
                if (saveEverySteps > 0
                    && record.step() % saveEverySteps == 0
                    && record.step() < total) {
                  checkpoints.save(
                      record.step(),
                      trained,
                      loop.optimizer(),
                      new TrainerState(record.step(), total, epochs, List.copyOf(history)));
                  lastSaved.set(record.step());
                  progress.checkpointed(
                      record.step(), checkpoints.pathOf(record.step()).toString());
                  console.note("saved " + checkpoints.pathOf(record.step()));
                }
              },
              step -> {
                if (!eval.isEmpty()) {
                  Evaluator.Score score = evaluator.evaluate(model.block(), eval, manager);
                  progress.evaluated(score.loss());
                  history.add(
                      StepRecord.eval(
                          step,
                          (double) step / loop.stepsPerEpoch(examples.size()),
                          score.loss(),
                          score.tokens()));
                  console.note(
                      String.format(Locale.ROOT, "step %d eval_loss %.4f", step, score.loss()));
                }
              },
              stop::requested);
    }
    if (done < total) {
      if (lastSaved.get() != done) {
        checkpoints.save(
            done,
            trained,
            loop.optimizer(),
            new TrainerState(done, total, epochs, List.copyOf(history)));
      }
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
    Path finalDir = training.outputDir().resolve("final");
    trained.write(finalDir);
    new TrainerState(total, total, epochs, history)
        .write(training.outputDir().resolve("trainer_state.json"));
    System.out.println("saved the " + trained.layout() + " to " + finalDir);
    if (mergeAdapter && trained instanceof LoraWeights loraWeights) {
      Path merged = training.outputDir().resolve("merged");
      loraWeights.writeMerged(merged);
      System.out.println("saved the merged model to " + merged);
    }
    return TerminationMessage.success(finalDir, trained.layout(), history);
  }

  static LrSchedule.Kind parseScheduler(String name) {
    try {
      return LrSchedule.Kind.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw TrainerException.config(
          "unknown scheduler \"" + name + "\" (constant, linear or cosine)");
    }
  }
}
