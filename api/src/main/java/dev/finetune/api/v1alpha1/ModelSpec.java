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
import io.fabric8.generator.annotation.ValidationRule;

/** The base model: a Hugging Face layout directory (config.json, safetensors, tokenizer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = ModelSpec.REGISTRY_FIELDS_ONLY_WITH_OCI,
    message = "model.credentialsSecretRef and model.insecure are for an oci:// source")
public class ModelSpec {
  static final String REGISTRY_FIELDS_ONLY_WITH_OCI =
      "(!has(self.credentialsSecretRef) && !has(self.insecure)) || self.source.startsWith('oci://')";

  @Required
  @Size(max = 2048)
  @Pattern(Sources.MODEL_PATTERN)
  @Accepted(Sources.MODEL_ACCEPTED)
  @JsonPropertyDescription(
      "Where the model is: hf://org/name[@revision] (Hugging Face Hub), pvc://claim/path (a"
          + " claim in this namespace, mounted read-only), https://..., preset://tiny-gpt2-bytes"
          + " (a small model built into the trainer, for first runs without a download) or"
          + " oci://registry/repository[:tag|@sha256:digest] (a model a FineTuneJob published;"
          + " the prepare step pins a tag to its digest in status.model.revision; a LoRA adapter"
          + " artifact is refused, naming its base model)")
  private String source;

  @JsonPropertyDescription(
      "oci:// sources only: a kubernetes.io/dockerconfigjson Secret (key .dockerconfigjson) to"
          + " pull with, mounted as a file in the prepare and trainer pods. Anonymous when absent.")
  private SecretNameRef credentialsSecretRef;

  @JsonPropertyDescription(
      "oci:// sources only: plain HTTP (and HTTPS without certificate checks), for an in-cluster"
          + " registry. Default: false (a registry on loopback is reached over HTTP anyway).")
  private Boolean insecure;

  public SecretNameRef getCredentialsSecretRef() {
    return credentialsSecretRef;
  }

  public void setCredentialsSecretRef(SecretNameRef credentialsSecretRef) {
    this.credentialsSecretRef = credentialsSecretRef;
  }

  public Boolean getInsecure() {
    return insecure;
  }

  public void setInsecure(Boolean insecure) {
    this.insecure = insecure;
  }

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
