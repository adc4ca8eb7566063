/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The base model: a Hugging Face layout directory (config.json, safetensors, tokenizer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {
  @Required
  @Size(max = 2048)
  @Pattern(Sources.MODEL_PATTERN)
  @Accepted(Sources.MODEL_ACCEPTED)
  @JsonPropertyDescription(
      "Where the model is: hf://org/name[@revision] (Hugging Face Hub), pvc://claim/path (a"
          + " claim in this namespace, mounted read-only), https://... or preset://tiny-gpt2-bytes"
          + " (a small model built into the trainer, for first runs without a download)")
  private String source;

  @JsonPropertyDescription(
      "Secret (name and key) holding a Hugging Face Hub token, for gated or private models. The"
          + " token is mounted as a file; it never appears in status, events or logs.")
  private SecretKeyRef tokenSecretRef;

  @JsonPropertyDescription(
      "Training precision. float32 (default), or float16: mixed precision, the matrix products"
          + " in float16 with float32 master weights and optimizer state and dynamic loss scaling"
          + " (steps whose gradients overflow are skipped and counted); for LoRA the frozen base"
          + " is held in float16. bfloat16 is refused at validation (the trainer's engine cannot"
          + " hold bfloat16 tensors). Checkpoints stored in any of the three are read.")
  private ModelDtype dtype;

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public SecretKeyRef getTokenSecretRef() {
    return tokenSecretRef;
  }

  public void setTokenSecretRef(SecretKeyRef tokenSecretRef) {
    this.tokenSecretRef = tokenSecretRef;
  }

  public ModelDtype getDtype() {
    return dtype;
  }

  public void setDtype(ModelDtype dtype) {
    this.dtype = dtype;
  }
}
