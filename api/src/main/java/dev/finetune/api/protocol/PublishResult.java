/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the publish step did: its termination message (well under 4 KiB) and, with {@code --report},
 * a file. The operator copies {@link #artifact} into {@code status.result.artifact}.
 *
 * @param status Succeeded or Failed
 * @param reason on failure: {@link TrainerExit#PUBLISH_FAILED}'s reason (the registry refused or
 *     could not be reached) or ConfigError (a bad reference, folder or credentials file)
 * @param error on failure: what went wrong, with the registry's own reason; never a credential
 * @param artifact the pushed image manifest, as an OCI descriptor, or null on failure
 * @param tag the tag the manifest was pushed under
 * @param files the model files pushed, one layer each
 * @param bytes the files' size in bytes
 * @param blobs what was uploaded and what the registry already had (also on failure: how far the
 *     push got)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PublishResult(
    String status,
    String reason,
    String error,
    Artifact artifact,
    String tag,
    Integer files,
    Long bytes,
    Blobs blobs) {

  /** The media type of the manifest publish pushes. */
  public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

  /**
   * The pushed manifest as an OCI descriptor.
   *
   * @param reference {@code registry[:port]/repository@sha256:…}: what an image volume, KServe's
   *     {@code storageUri} (with {@code oci://} in front) or a later {@code spec.model.source}
   *     pulls
   * @param digest the manifest's digest, {@code sha256:…}
   * @param size the manifest's size in bytes
   * @param mediaType {@link #MANIFEST_MEDIA_TYPE}
   */
  public record Artifact(String reference, String digest, long size, String mediaType) {}

  /**
   * Blobs (the layers and the config) of a push.
   *
   * @param total the blobs the manifest references
   * @param sent the blobs uploaded by this push
   * @param skipped the blobs the registry already had (not sent again)
   * @param bytesSent the bytes uploaded by this push
   */
  public record Blobs(int total, int sent, int skipped, long bytesSent) {}
}
