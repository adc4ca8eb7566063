/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.oci;

import dev.finetune.trainer.TrainerException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OCI image reference as the trainer takes it: {@code
 * oci://registry[:port]/repository[:tag][@sha256:…]}. The registry part is required (no default
 * registry, no Docker Hub shorthand), the repository follows the distribution spec's grammar.
 *
 * @param registry host, or host:port
 * @param repository path components, lowercase
 * @param tag the tag, or null
 * @param digest {@code sha256:<64 hex>}, or null
 */
public record OciReference(String registry, String repository, String tag, String digest) {
  public static final String SCHEME = "oci://";

  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?"
              + "|\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?");
  private static final Pattern SPLIT = Pattern.compile("([^/]+)/([^:@]+)(?::([^@]+))?(?:@(.+))?");

  public static boolean matches(String source) {
    return source != null && source.startsWith(SCHEME);
  }

  /** Parses {@code oci://…}; a malformed reference is a configuration error naming the part. */
  public static OciReference parse(String text) {
    if (!matches(text)) {
      throw TrainerException.config(
          text + ": an OCI reference is oci://registry[:port]/repository[:tag][@sha256:…]");
    }
    Matcher m = SPLIT.matcher(text.substring(SCHEME.length()));
    if (!m.matches()) {
      throw TrainerException.config(
          text + ": an OCI reference is oci://registry[:port]/repository[:tag][@sha256:…]");
    }
    String registry = m.group(1);
    String repository = m.group(2);
    if (!REGISTRY.matcher(registry).matches()) {
      throw TrainerException.config(text + ": " + registry + " is not a registry host[:port]");
    }
    if (!REPOSITORY.matcher(repository).matches()) {
      throw TrainerException.config(
          text
              + ": the repository "
              + repository
              + " must be lowercase letters and digits, separated by /, ., _, __ or -");
    }
    String tag = m.group(3);
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw TrainerException.config(
          text + ": the tag " + tag + " must be at most 128 letters, digits, _, . or -");
    }
    String digest = m.group(4);
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw TrainerException.config(text + ": the digest must be sha256: and 64 lowercase hex");
    }
    return new OciReference(registry, repository, tag, digest);
  }

  /** The same repository and tag, pinned to {@code digest}. */
  public OciReference withDigest(String newDigest) {
    return new OciReference(registry, repository, tag, newDigest);
  }

  /** The same repository with {@code newTag} (and no digest). */
  public OciReference withTag(String newTag) {
    return new OciReference(registry, repository, newTag, null);
  }

  /** What the manifest is asked for by: the digest when pinned, else the tag ({@code latest}). */
  public String qualifier() {
    return digest != null ? digest : tag != null ? tag : "latest";
  }

  /** {@code registry/repository@sha256:…} (no scheme, no tag): what image volumes pull. */
  public String pinned() {
    if (digest == null) {
      throw new IllegalStateException(this + " has no digest");
    }
    return registry + "/" + repository + "@" + digest;
  }

  @Override
  public String toString() {
    return SCHEME
        + registry
        + "/"
        + repository
        + (tag == null ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }
}
