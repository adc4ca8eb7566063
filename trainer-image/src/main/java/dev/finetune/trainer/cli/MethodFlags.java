/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static dev.finetune.trainer.cli.TrainOptions.given;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.protocol.TrainingDefaults;
import dev.finetune.api.v1alpha1.LoraSpec;
import dev.finetune.api.v1alpha1.MethodType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.train.MethodOptions;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The flags of {@link MethodOptions}: full fine-tuning or LoRA. */
final class MethodFlags {
  @Option(
      names = "--method",
      description =
          "full (every weight trains; final/ is a model) or lora (only a LoRA adapter trains;"
              + " final/ is a PEFT adapter). Default full.")
  String method;

  @Option(
      names = "--lora-rank",
      description = "LoRA rank r (default " + TrainingDefaults.LORA_RANK + ").")
  Integer loraRank;

  @Option(
      names = "--lora-alpha",
      description =
          "LoRA alpha; the update is scaled by alpha / r (default "
              + TrainingDefaults.LORA_ALPHA
              + ").")
  Double loraAlpha;

  @Option(
      names = "--lora-dropout",
      description =
          "Dropout on the LoRA branch's input while training (default "
              + TrainingDefaults.LORA_DROPOUT
              + ").")
  Double loraDropout;

  @Option(
      names = "--lora-target-modules",
      split = ",",
      description =
          "Hugging Face module names to adapt, e.g. q_proj,v_proj (Llama, Mistral, Qwen, Gemma),"
              + " qkv_proj (Phi-3) or c_attn (GPT-2). Default: the attention query and value"
              + " projections (PEFT's default).")
  List<String> loraTargetModules;

  @Option(
      names = "--merge-adapter",
      description =
          "With --method lora, also write OUTPUT/merged/: the base model with the adapter folded"
              + " into its weights, in Hugging Face layout.")
  boolean mergeAdapter;

  /** Sets on {@code b} every flag that was given. */
  void applyTo(MethodOptions.Builder b) {
    given(method, m -> b.optType(method(m)));
    given(loraRank, b::optLoraRank);
    given(loraAlpha, b::optLoraAlpha);
    given(loraDropout, b::optLoraDropout);
    given(loraTargetModules, b::optLoraTargetModules);
    given(mergeAdapter, b::optMergeAdapter);
  }

  /** Sets on {@code m} what the operator's config says, naming each option by its spec field. */
  static void fromConfig(TrainerConfig c, MethodOptions.Builder m, ConfigFields config) {
    config.map(c.method(), "--method", "spec.method.type", m::optType);
    // LoRA settings mean nothing to full fine-tuning (the operator fills their defaults anyway).
    LoraSpec lora = c.method() == MethodType.LORA && c.lora() != null ? c.lora() : new LoraSpec();
    config.map(lora.getRank(), "--lora-rank", "spec.method.lora.rank", m::optLoraRank);
    config.map(lora.getAlpha(), "--lora-alpha", "spec.method.lora.alpha", m::optLoraAlpha);
    config.map(lora.getDropout(), "--lora-dropout", "spec.method.lora.dropout", m::optLoraDropout);
    List<String> targets = lora.getTargetModules();
    config.map(
        targets == null || targets.isEmpty() ? null : targets,
        "--lora-target-modules",
        "spec.method.lora.targetModules",
        m::optLoraTargetModules);
    config.map(
        c.method() == MethodType.LORA ? c.mergeAdapter() : null,
        "--merge-adapter",
        "spec.output.publish.what",
        m::optMergeAdapter);
  }

  private static MethodType method(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "full" -> MethodType.FULL;
      case "lora" -> MethodType.LORA;
      default -> throw TrainerException.config("--method is full or lora, not \"" + name + "\"");
    };
  }
}
