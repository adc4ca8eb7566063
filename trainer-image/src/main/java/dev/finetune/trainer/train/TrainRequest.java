/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.TrainerCapabilities;
import dev.finetune.trainer.TrainerException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything one training run needs, typed, in groups that each own their defaults and checks:
 * built from the operator's trainer config in a pod, or from the command line's flags, with {@link
 * #builder()}.
 *
 * @param inputs the model, the data and how it becomes examples
 * @param method full fine-tuning or LoRA
 * @param training the optimizer, the schedule, evaluation and early stopping, the devices
 * @param checkpointing the output folder and the checkpoints
 * @param reporting the progress endpoint, the console, the termination message
 * @param objective what the run optimises: SFT, or DPO and its settings
 * @param evaluation the tasks the base and the tuned model are scored on
 */
public record TrainRequest(
    InputOptions inputs,
    MethodOptions method,
    TrainingOptions training,
    CheckpointOptions checkpointing,
    ReportingOptions reporting,
    ObjectiveOptions objective,
    EvaluationOptions evaluation) {

  public static Builder builder() {
    return new Builder();
  }

  static void required(Object value, String flag, OptionNames names) {
    if (value == null) {
      throw TrainerException.config("Missing required option: '" + names.of(flag) + "'");
    }
  }

  /** One builder per group; {@link #build()} checks each, then what belongs across groups. */
  public static final class Builder {
    private final InputOptions.Builder inputs = InputOptions.builder();
    private final MethodOptions.Builder method = MethodOptions.builder();
    private final TrainingOptions.Builder training = TrainingOptions.builder();
    private final CheckpointOptions.Builder checkpointing = CheckpointOptions.builder();
    private final ReportingOptions.Builder reporting = ReportingOptions.builder();
    private final ObjectiveOptions.Builder objective = ObjectiveOptions.builder();
    private final EvaluationOptions.Builder evaluation = EvaluationOptions.builder();
    private OptionNames names = OptionNames.FLAGS;

    private Builder() {}

    public InputOptions.Builder inputs() {
      return inputs;
    }

    public MethodOptions.Builder method() {
      return method;
    }

    public TrainingOptions.Builder training() {
      return training;
    }

    public CheckpointOptions.Builder checkpointing() {
      return checkpointing;
    }

    public ReportingOptions.Builder reporting() {
      return reporting;
    }

    public ObjectiveOptions.Builder objective() {
      return objective;
    }

    public EvaluationOptions.Builder evaluation() {
      return evaluation;
    }

    /** How refusals name the options (default: by their flags). */
    public Builder optNames(OptionNames names) {
      this.names = names;
      return this;
    }

    public OptionNames names() {
      return names;
    }

    /** The request; a configuration error (exit 78) names what is missing or does not fit. */
    public TrainRequest build() {
      InputOptions in = inputs.build(names);
      CheckpointOptions checkpoints = checkpointing.build(names);
      MethodOptions m = method.build(names);
      TrainingOptions t = training.build(m.type(), names);
      ObjectiveOptions o = objective.build(names);
      List<String> refused =
          TrainerCapabilities.objective(
              o.type(),
              in.format(),
              in.packing(),
              new TrainerCapabilities.ObjectiveFields(
                  names.of("--objective"), names.of("--format"), names.of("--packing")));
      if (!refused.isEmpty()) {
        throw TrainerException.config(String.join("; ", refused));
      }
      if (t.earlyStopping() != null && !in.hasValidation()) {
        throw TrainerException.config(
            "early stopping ("
                + names.of("--early-stopping-patience")
                + ") needs validation data: "
                + names.of("--eval-data")
                + " or "
                + names.of("--validation-split"));
      }
      if (t.earlyStopping() != null) {
        checkWatched(t.earlyStopping().metric(), Objective.evaluationMetrics(o.statistics()));
      }
      if (m.lora() && in.adapter() != null) {
        throw TrainerException.config(
            names.of("--adapter")
                + " cannot be combined with "
                + names.of("--method")
                + " lora training");
      }
      return new TrainRequest(in, m, t, checkpoints, reporting.build(), o, evaluation.build(names));
    }

    /** Early stopping can only watch a metric the objective's evaluation reports. */
    private void checkWatched(String metric, Set<String> reported) {
      if (!reported.contains(metric)) {
        throw TrainerException.config(
            names.of("--early-stopping-metric")
                + " is "
                + metric
                + ", which evaluation does not report; set it to one of "
                + String.join(", ", new TreeSet<>(reported)));
      }
    }
  }
}
