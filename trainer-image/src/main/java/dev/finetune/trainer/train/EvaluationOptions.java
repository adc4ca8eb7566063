/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.trainer.TrainerException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tasks the base model and the tuned model are both scored on (lm-evaluation-harness shapes),
 * beside the validation loss.
 */
public record EvaluationOptions(boolean enabled, List<Task> tasks) {
  /** generate's default limit on new tokens per answer. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 32;

  /**
   * @param name the task's name in the results
   * @param source its JSONL file: a path, hf://datasets/… or https://
   * @param maxNewTokens generate only: the most tokens per answer
   */
  public record Task(String name, String source, EvaluationTaskType type, int maxNewTokens) {}

  public static Builder builder() {
    return new Builder();
  }

  /** Whether there are tasks besides the validation loss. */
  public boolean any() {
    return !tasks.isEmpty();
  }

  /** Tasks in the order given; names must differ. */
  public static final class Builder {
    private final List<Task> tasks = new ArrayList<>();
    private boolean enabled;

    private Builder() {}

    /**
     * Compares the base model and the tuned one even without tasks (the validation loss alone); a
     * task turns it on too.
     */
    public Builder optEnabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** Adds a task; {@code maxNewTokens} null takes the default. */
    public Builder addTask(
        String name, String source, EvaluationTaskType type, Integer maxNewTokens) {
      tasks.add(
          new Task(
              name, source, type, maxNewTokens != null ? maxNewTokens : DEFAULT_MAX_NEW_TOKENS));
      return this;
    }

    /** Drops the tasks added so far (flags given beside a config replace its tasks). */
    public Builder clearTasks() {
      tasks.clear();
      return this;
    }

    EvaluationOptions build(OptionNames names) {
      Set<String> seen = new HashSet<>();
      for (Task t : tasks) {
        if (!seen.add(t.name())) {
          throw TrainerException.config(
              names.of("--eval-task") + " names task " + t.name() + " twice");
        }
        if (t.name().equals("validation")) {
          throw TrainerException.config(
              names.of("--eval-task")
                  + ": the name validation is the validation loss's; name the task otherwise");
        }
      }
      return new EvaluationOptions(enabled || !tasks.isEmpty(), List.copyOf(tasks));
    }
  }
}
