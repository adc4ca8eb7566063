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

  /** A model location: any input, or a built-in preset. */
  public static final String MODEL_PATTERN =
      "^(hf://[A-Za-z0-9][-A-Za-z0-9_.]*(/[-A-Za-z0-9_.]+)*(@[-A-Za-z0-9_./]+)?"
          + "|pvc://[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(/([^/.][^/]*|\\.[^/.][^/]*)?)*"
          + "|https://[^\\s]+"
          + "|preset://[a-z0-9][-a-z0-9]*)$";

  /** What {@link #MODEL_PATTERN} accepts, in words: see {@link Accepted}. */
  public static final String MODEL_ACCEPTED =
      "hf://org/name[@revision], pvc://claim/path, https://... or preset://name (e.g."
          + " hf://Qwen/Qwen2.5-0.5B, pvc://models/llama or preset://tiny-gpt2-bytes)";

  private Sources() {}
}
