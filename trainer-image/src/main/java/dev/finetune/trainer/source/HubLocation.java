/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import dev.finetune.trainer.TrainerException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code hf://} source: {@code hf://org/name[@revision]} (a model repository) or {@code
 * hf://datasets/org/name[@revision]/path/file.jsonl} (one file of a dataset repository, the form of
 * huggingface_hub's HfFileSystem).
 *
 * @param dataset whether the repository is a dataset repository
 * @param repo {@code org/name} or {@code name}
 * @param revision branch, tag or commit ({@code main} when not given)
 * @param path the file inside the repository (datasets), or null for a whole model repository
 */
public record HubLocation(boolean dataset, String repo, String revision, String path) {
  public static final String SCHEME = "hf://";
  private static final String NAME = "[A-Za-z0-9][-A-Za-z0-9_.]*";
  private static final Pattern MODEL =
      Pattern.compile("(" + NAME + "(?:/" + NAME + ")?)(?:@([-A-Za-z0-9_.]+))?");
  private static final Pattern DATASET_FILE =
      Pattern.compile(
          "datasets/("
              + NAME
              + "(?:/"
              + NAME
              + ")?)(?:@([-A-Za-z0-9_.]+))?/("
              + NAME
              + "(?:/"
              + NAME
              + ")*)");

  public static boolean matches(String source) {
    return source.startsWith(SCHEME);
  }

  public static HubLocation parse(String source) {
    if (!matches(source)) {
      throw new IllegalArgumentException(source + " is not an hf:// source");
    }
    String rest = source.substring(SCHEME.length());
    if (rest.startsWith("datasets/")) {
      Matcher m = DATASET_FILE.matcher(rest);
      if (!m.matches()) {
        throw TrainerException.config(
            source
                + ": a dataset source names one file: hf://datasets/org/name[@revision]/path/file.jsonl");
      }
      return new HubLocation(true, m.group(1), revisionOrMain(m.group(2)), m.group(3));
    }
    Matcher m = MODEL.matcher(rest);
    if (!m.matches()) {
      throw TrainerException.config(
          source + ": a model source is hf://org/name or hf://org/name@revision");
    }
    return new HubLocation(false, m.group(1), revisionOrMain(m.group(2)), null);
  }

  private static String revisionOrMain(String revision) {
    return revision == null ? "main" : revision;
  }

  /** Whether the revision is a full commit id: what it names never changes. */
  public boolean pinned() {
    return revision.matches("[0-9a-f]{40}");
  }

  /** This location at {@code commit}. */
  public HubLocation at(String commit) {
    return new HubLocation(dataset, repo, commit, path);
  }

  /** The API path of the repository listing: {@code api/models/org/name/revision/main}. */
  String listingPath() {
    return "api/" + (dataset ? "datasets" : "models") + "/" + repo + "/revision/" + revision;
  }

  /** The path that serves one file: {@code org/name/resolve/main/file}. */
  String filePath(String file) {
    return (dataset ? "datasets/" : "") + repo + "/resolve/" + revision + "/" + file;
  }

  /** The cache folder name, as the Hub's own cache names it: {@code models--org--name}. */
  String cacheName() {
    return (dataset ? "datasets--" : "models--") + repo.replace("/", "--");
  }

  @Override
  public String toString() {
    return SCHEME
        + (dataset ? "datasets/" : "")
        + repo
        + "@"
        + revision
        + (path == null ? "" : "/" + path);
  }
}
