/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The published model: the OCI image manifest the publish step pushed, as a descriptor. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArtifactStatus {
  @JsonPropertyDescription(
      "registry[:port]/repository@sha256:…: what an image volume's reference, KServe's storageUri"
          + " (with oci:// in front) or a later spec.model.source (with oci://) pulls.")
  private String reference;

  @JsonPropertyDescription("The manifest's digest, sha256:….")
  private String digest;

  @JsonPropertyDescription("The manifest's size in bytes.")
  private Long size;

  @JsonPropertyDescription("The manifest's media type (an OCI image manifest).")
  private String mediaType;

  @JsonPropertyDescription("The tag it was pushed under, e.g. registry:5000/models/bot:v3.")
  private String tag;

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactStatus a
        && Objects.equals(reference, a.reference)
        && Objects.equals(digest, a.digest)
        && Objects.equals(size, a.size)
        && Objects.equals(mediaType, a.mediaType)
        && Objects.equals(tag, a.tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reference, digest);
  }

  public String getReference() {
    return reference;
  }

  public void setReference(String reference) {
    this.reference = reference;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public Long getSize() {
    return size;
  }

  public void setSize(Long size) {
    this.size = size;
  }

  public String getMediaType() {
    return mediaType;
  }

  public void setMediaType(String mediaType) {
    this.mediaType = mediaType;
  }

  public String getTag() {
    return tag;
  }

  public void setTag(String tag) {
    this.tag = tag;
  }
}
