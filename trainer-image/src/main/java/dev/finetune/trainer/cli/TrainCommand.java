/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.protocol.TrainerResult;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.prepare.PreparedInputs;
import dev.finetune.trainer.progress.ConsoleListener;
import dev.finetune.trainer.progress.ProgressEndpoint;
import dev.finetune.trainer.progress.ProgressListener;
import dev.finetune.trainer.progress.TensorBoardListener;
import dev.finetune.trainer.train.ReportingOptions;
import dev.finetune.trainer.train.StopSignal;
import dev.finetune.trainer.train.StopSignalListener;
import dev.finetune.trainer.train.TerminationMessage;
import dev.finetune.trainer.train.TrainRequest;
import dev.finetune.trainer.train.TrainRunner;
import dev.finetune.trainer.train.TrainingListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code train} command: builds a {@link TrainRequest} (from --config and the flags), runs it
 * with the progress endpoint, the console, the TensorBoard event files and SIGTERM as listeners,
 * and leaves the result in the termination message.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tunes a model with AdamW (torch semantics): every weight, or a LoRA adapter with",
      "--method lora (the base weights stay untouched). The data is validated first: a",
      "bad line stops the run (exit code 65) unless --skip-invalid-lines is given.",
      "Writes OUTPUT/trainer_state.json (log_history: step, loss before the update,",
      "learning_rate, grad_norm before clipping, tokens) and OUTPUT/final/ (a Hugging Face",
      "model folder, or a PEFT adapter folder for LoRA), and TensorBoard event files in",
      "OUTPUT/runs/ (tags as transformers' TensorBoardCallback names them: train/loss, ...)."
    })
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      description =
          "Trainer config JSON written by the operator: it sets what the flags would; flags given"
              + " beside it win.")
  Path config;

  @Option(
      names = "--check",
      description =
          "Check the configuration (--config and the flags) and exit 0, or 78 naming what is"
              + " wrong: nothing is loaded, downloaded or written.")
  boolean check;

  @Mixin TrainOptions options;

  @Override
  public Integer call() {
    TrainRequest.Builder builder = TrainRequest.builder();
    ProgressEndpoint progress = new ProgressEndpoint();
    StopSignal stop = null;
    SourceNames names = SourceNames.none();
    try {
      if (config != null) {
        TrainerConfig read = TrainerConfigRequest.read(config);
        names = SourceNames.of(read);
        builder = TrainerConfigRequest.builder(read);
      }
      options.applyTo(builder);
      PreparedInputs.pin(builder);
      TrainRequest request = builder.build();
      if (check) {
        System.out.println("configuration ok");
        return 0;
      }
      stop = StopSignal.onSigterm(request.checkpointing().stopGrace());
      progress.serve(request.reporting().progressPort());
      List<TrainingListener> listeners = new ArrayList<>();
      listeners.add(new ProgressListener(progress.tracker()));
      listeners.add(
          new ConsoleListener(
              request.reporting().progressBar(),
              request.reporting().logEverySteps(),
              progress.tracker()::snapshot));
      if (request.reporting().tensorboard()) {
        listeners.add(
            new TensorBoardListener(
                request.checkpointing().output().resolve(ReportingOptions.TENSORBOARD_DIR),
                Clock.systemUTC()));
      }
      listeners.add(new StopSignalListener(stop));
      TrainerResult result = new TrainRunner(request, new LmEvalTaskScorer()).run(listeners);
      progress.finished("Succeeded");
      TerminationMessage.write(request.reporting().terminationMessagePath(), result);
      return 0;
    } catch (RuntimeException thrown) {
      progress.finished("Failed");
      // The status and the log get the same words, with files named as the user wrote them.
      RuntimeException e = thrown instanceof TrainerException t ? names.named(t) : thrown;
      if (check) {
        throw e;
      }
      TerminationMessage.write(
          builder.reporting().terminationMessagePath(),
          TerminationMessage.failure(
              builder.checkpointing().output(), e, progress.tracker().snapshot().trainer()));
      throw e;
    } finally {
      progress.close();
      if (stop != null) {
        // Only now may a SIGTERM'd JVM exit: the checkpoint and the message are written.
        stop.settled();
      }
    }
  }
}
