/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code train} command line a test runs, built flag by flag instead of spelled out: {@code
 * TrainArgs.train().model(dir).data(file).format("text").maxSteps(3).args()}.
 */
final class TrainArgs {
  private final List<String> args = new ArrayList<>();

  private TrainArgs(String command) {
    args.add(command);
  }

  static TrainArgs train() {
    return new TrainArgs("train");
  }

  /** The prepare command, which takes train's options. */
  static TrainArgs prepare() {
    return new TrainArgs("prepare");
  }

  TrainArgs model(Object model) {
    return with("--model", model);
  }

  TrainArgs data(Object data) {
    return with("--data", data);
  }

  TrainArgs format(String format) {
    return with("--format", format);
  }

  TrainArgs maxLength(int tokens) {
    return with("--max-length", tokens);
  }

  TrainArgs batchSize(int examples) {
    return with("--batch-size", examples);
  }

  TrainArgs maxSteps(long steps) {
    return with("--max-steps", steps);
  }

  TrainArgs epochs(int epochs) {
    return with("--epochs", epochs);
  }

  TrainArgs learningRate(Object rate) {
    return with("--learning-rate", rate);
  }

  TrainArgs seed(long seed) {
    return with("--seed", seed);
  }

  TrainArgs output(Object dir) {
    return with("--output", dir);
  }

  /** {@code --method lora} with {@code --lora-rank}. */
  TrainArgs lora(int rank) {
    return with("--method", "lora").with("--lora-rank", rank);
  }

  /** Any other flag with its value. */
  TrainArgs with(String flag, Object value) {
    args.add(flag);
    args.add(String.valueOf(value));
    return this;
  }

  /** A flag without a value, e.g. {@code --no-shuffle}. */
  TrainArgs with(String flag) {
    args.add(flag);
    return this;
  }

  String[] args() {
    return args.toArray(String[]::new);
  }

  List<String> list() {
    return List.copyOf(args);
  }
}
