/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

/** URI forms accepted for model, data and output locations. */
public final class Sources {
  /** Hugging Face Hub: {@code hf://org/name}, {@code hf://name}, optional {@code @revision}. */
  public static final String HF_SCHEME = "hf://";

  /** A PersistentVolumeClaim in the job's namespace: {@code pvc://claim/path/inside}. */
  public static final String PVC_SCHEME = "pvc://";

  /** A plain HTTPS download. */
  public static final String HTTPS_SCHEME = "https://";

  /** {@code pvc://claim[/path]}: claim is a DNS-1123 subdomain, the path has no ".." segment. */
  public static final String PVC_PATTERN =
      "^pvc://[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(/([^/.][^/]*|\\.[^/.][^/]*)?)*$";

  /** What {@link #PVC_PATTERN} accepts, in words: see {@link Accepted}. */
  public static final String PVC_ACCEPTED =
      "pvc://claim/path, the claim a lower-case name of letters, digits, '-' and '.', the path"
          + " without '..' (e.g. pvc://models/output)";

  /** Any input location: Hub, claim or HTTPS. */
  public static final String INPUT_PATTERN =
      "^(hf://[A-Za-z0-9][-A-Za-z0-9_.]*(/[-A-Za-z0-9_.]+)*(@[-A-Za-z0-9_./]+)?"
          + "|pvc://[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(/([^/.][^/]*|\\.[^/.][^/]*)?)*"
          + "|https://[^\\s]+)$";

  /** What {@link #INPUT_PATTERN} accepts, in words: see {@link Accepted}. */
  public static final String INPUT_ACCEPTED =
      "pvc://claim/path/file.jsonl, hf://datasets/org/name[@revision]/path/file.jsonl or"
          + " https://... (e.g. pvc://data/train.jsonl)";

  /**
   * A model built into the trainer, initialised from a seed, with a byte-level tokenizer: {@code
   * preset://tiny-gpt2-bytes}. For first runs and demos without a download.
   */
  public static final String PRESET_SCHEME = "preset://";

  /** An OCI registry: {@code oci://registry[:port]/repository[:tag|@sha256:digest]}. */
  public static final String OCI_SCHEME = "oci://";

  /** A registry host (a DNS name or IPv4 address) with an optional port. */
  private static final String OCI_REGISTRY =
      "[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?";

  /** A repository path: lower-case components separated by '/', as OCI distribution allows. */
  private static final String OCI_REPOSITORY =
      "[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*";

  private static final String OCI_TAG = ":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
  private static final String OCI_DIGEST = "@sha256:[0-9a-f]{64}";

  /** Where publish pushes: {@code oci://registry[:port]/repository[:tag]}, no digest. */
  public static final String OCI_PUBLISH_PATTERN =
      "^oci://" + OCI_REGISTRY + "/" + OCI_REPOSITORY + "(" + OCI_TAG + ")?$";

  /** What {@link #OCI_PUBLISH_PATTERN} accepts, in words: see {@link Accepted}. */
  public static final String OCI_PUBLISH_ACCEPTED =
      "oci://registry[:port]/repository[:tag], the repository lower-case (e.g."
          + " oci://registry.example.com/models/support-bot or oci://registry:5000/team/llm:v3)";

  /** A model location: any input, a built-in preset, or a published model in a registry. */
  public static final String MODEL_PATTERN =
      "^(hf://[A-Za-z0-9][-A-Za-z0-9_.]*(/[-A-Za-z0-9_.]+)*(@[-A-Za-z0-9_./]+)?"
          + "|pvc://[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(/([^/.][^/]*|\\.[^/.][^/]*)?)*"
          + "|https://[^\\s]+"
          + "|preset://[a-z0-9][-a-z0-9]*"
          + "|oci://"
          + OCI_REGISTRY
          + "/"
          + OCI_REPOSITORY
          + "("
          + OCI_TAG
          + "|"
          + OCI_DIGEST
          + ")?)$";

  /** What {@link #MODEL_PATTERN} accepts, in words: see {@link Accepted}. */
  public static final String MODEL_ACCEPTED =
      "hf://org/name[@revision], pvc://claim/path, https://..., preset://name or"
          + " oci://registry/repository[:tag|@sha256:digest] (e.g. hf://Qwen/Qwen2.5-0.5B,"
          + " pvc://models/llama, preset://tiny-gpt2-bytes or oci://registry:5000/models/bot@sha256:…)";

  private Sources() {}
}
