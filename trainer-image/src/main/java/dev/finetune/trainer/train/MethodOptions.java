/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.LoraConfig;
import java.util.List;

/**
 * What trains: every weight, or a LoRA adapter (and whether to also write the merged model).
 *
 * @param loraTargetModules the modules LoRA adapts, or null for the model's default
 */
public record MethodOptions(
    MethodType type,
    int loraRank,
    double loraAlpha,
    double loraDropout,
    List<String> loraTargetModules,
    boolean mergeAdapter) {

  public static Builder builder() {
    return new Builder();
  }

  public boolean lora() {
    return type == MethodType.LORA;
  }

  /** The LoRA settings, with {@code defaultTargets} (the model's) when none were given. */
  public LoraConfig loraConfig(List<String> defaultTargets) {
    return new LoraConfig(
        loraRank,
        loraAlpha,
        loraDropout,
        loraTargetModules != null ? loraTargetModules : defaultTargets);
  }

  /** Every field starts at its default; {@code optX} changes one. */
  public static final class Builder {
    private MethodType type = MethodType.FULL;
    private int loraRank = TrainingDefaults.LORA_RANK;
    private double loraAlpha = TrainingDefaults.LORA_ALPHA;
    private double loraDropout = TrainingDefaults.LORA_DROPOUT;
    private List<String> loraTargetModules;
    private boolean mergeAdapter;

    private Builder() {}

    public Builder optType(MethodType type) {
      this.type = type;
      return this;
    }

    public Builder optLoraRank(int rank) {
      this.loraRank = rank;
      return this;
    }

    public Builder optLoraAlpha(double alpha) {
      this.loraAlpha = alpha;
      return this;
    }

    public Builder optLoraDropout(double dropout) {
      this.loraDropout = dropout;
      return this;
    }

    public Builder optLoraTargetModules(List<String> modules) {
      this.loraTargetModules = List.copyOf(modules);
      return this;
    }

    public Builder optMergeAdapter(boolean merge) {
      this.mergeAdapter = merge;
      return this;
    }

    MethodOptions build(OptionNames names) {
      if (type != MethodType.LORA && mergeAdapter) {
        throw TrainerException.config(
            names.of("--merge-adapter") + " needs " + names.of("--method") + " lora");
      }
      return new MethodOptions(
          type, loraRank, loraAlpha, loraDropout, loraTargetModules, mergeAdapter);
    }
  }
}
