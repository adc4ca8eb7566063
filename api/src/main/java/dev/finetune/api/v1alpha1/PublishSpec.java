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

/**
 * Where the trained model goes after training: an OCI registry, pushed by a CPU publish Job (the
 * trainer image's {@code publish} command) once the trainer Job succeeded and, with
 * spec.evaluation, only when condition Promoted is True.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PublishSpec {
  /** The key of a {@code kubernetes.io/dockerconfigjson} Secret that holds the Docker config. */
  public static final String DOCKER_CONFIG_KEY = ".dockerconfigjson";

  @Required
  @Size(max = 1024)
  @Pattern(Sources.OCI_PUBLISH_PATTERN)
  @Accepted(Sources.OCI_PUBLISH_ACCEPTED)
  @JsonPropertyDescription(
      "oci://registry[:port]/repository[:tag]. Tag default: the FineTuneJob's name. The digest"
          + " pushed is in status.result.artifact.")
  private String to;

  @JsonPropertyDescription(
      "A kubernetes.io/dockerconfigjson Secret (key .dockerconfigjson) with the registry's"
          + " credentials, mounted as a file in the publish pod only (never in its environment)."
          + " Anonymous when absent.")
  private SecretNameRef credentialsSecretRef;

  @JsonPropertyDescription(
      "Plain HTTP (and HTTPS without certificate checks), for an in-cluster registry. Default:"
          + " false.")
  private Boolean insecure;

  @JsonPropertyDescription(
      "final (default): final/, the full model or with LoRA the PEFT adapter; merged (LoRA only):"
          + " the base model with the adapter folded in, which the trainer then also writes.")
  private PublishWhat what;

  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }

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

  public PublishWhat getWhat() {
    return what;
  }

  public void setWhat(PublishWhat what) {
    this.what = what;
  }
}
