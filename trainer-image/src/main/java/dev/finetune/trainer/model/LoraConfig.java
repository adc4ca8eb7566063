/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import dev.finetune.trainer.TrainerException;
import java.util.List;

/**
 * The LoRA settings PEFT writes to adapter_config.json.
 *
 * @param rank r: the inner dimension of A [r, in] and B [out, r]
 * @param alpha lora_alpha; the update is scaled by alpha / r
 * @param dropout lora_dropout, applied to the module's input on the LoRA branch while training
 * @param targetModules PEFT's target_modules list: a module matches when its path equals an entry
 *     or ends with "." + entry
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targetModules) {
  public LoraConfig {
    if (rank <= 0) {
      throw TrainerException.config("--lora-rank must be positive (got " + rank + ")");
    }
    if (!(alpha > 0)) {
      throw TrainerException.config("--lora-alpha must be positive (got " + alpha + ")");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw TrainerException.config("--lora-dropout must be in [0, 1) (got " + dropout + ")");
    }
    if (targetModules == null || targetModules.isEmpty()) {
      throw TrainerException.config("--lora-target-modules names no module");
    }
    targetModules = List.copyOf(targetModules);
  }

  public double scaling() {
    return alpha / rank;
  }

  /** PEFT's rule for a list of target names. */
  public boolean targets(String modulePath) {
    for (String name : targetModules) {
      if (modulePath.equals(name) || modulePath.endsWith("." + name)) {
        return true;
      }
    }
    return false;
  }
}
