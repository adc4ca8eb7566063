/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.oci;

/**
 * A registry operation that failed, with the registry's own reason in the message (its error codes
 * and messages, or the HTTP status) and never a credential. The caller picks the exit code from the
 * {@link Kind}: publishing fails them all as PublishFailed, a source pull tells a refusal (a
 * configuration error) from an unreachable registry (a temporary failure).
 */
public final class OciFailure extends RuntimeException {
  /** What kind of failure. */
  public enum Kind {
    /** 401/403: credentials missing, wrong, or without the permission. */
    UNAUTHORIZED,
    /** 404: no such repository, manifest or blob. */
    NOT_FOUND,
    /** Another refusal (a 4xx: quota, invalid digest or manifest, unsupported). */
    REFUSED,
    /** No answer, a cut connection, a 5xx, or TLS where plain HTTP was not allowed. */
    UNREACHABLE
  }

  private final Kind kind;

  public OciFailure(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
