/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer;

import java.util.stream.Stream;

/** The fixture models of ../shared/fixtures, one per supported family, for parameterized tests. */
public final class FixtureModels {
  private FixtureModels() {}

  /** Every fixture model: GPT-2, Llama, Llama 3, Qwen3, Gemma 3, Mistral (SWA), Phi-3. */
  public static Stream<String> all() {
    return Stream.of(
        "tiny-gpt2",
        "tiny-llama",
        "tiny-llama3",
        "tiny-qwen3",
        "tiny-gemma3",
        "tiny-mistral-swa",
        "tiny-phi3");
  }

  /** {@link #all()} and tiny-llama with the fixture LoRA adapter applied. */
  public static Stream<String> allAndAdapter() {
    return Stream.concat(all(), Stream.of("tiny-llama-lora"));
  }
}
