/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.StorageFull;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face Hub's HTTP API, the two calls a download needs: the listing of a repository at a
 * revision ({@code GET /api/models/org/name/revision/main?blobs=true}: the commit and every file's
 * size, and SHA-256 for LFS files) and a file ({@code GET /org/name/resolve/main/file}, which
 * usually redirects to a CDN).
 */
public final class HubClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final HttpFetcher http;

  /** A repository at a revision. */
  public record Listing(String commit, List<RemoteFile> files) {}

  public HubClient(URI endpoint, HttpFetcher http) {
    String base = endpoint.toString();
    this.endpoint = URI.create(base.endsWith("/") ? base : base + "/");
    this.http = http;
  }

  public Listing listing(HubLocation location) {
    URI uri = endpoint.resolve(location.listingPath() + "?blobs=true");
    JsonNode root;
    try {
      root = JSON.readTree(http.getSmall(uri));
    } catch (HttpFetcher.HttpStatusException e) {
      throw failure(explain(location, e), e);
    } catch (IOException e) {
      throw TrainerException.temporary(
          "cannot list "
              + location
              + " on "
              + HttpFetcher.redacted(endpoint)
              + ": "
              + e.getMessage());
    }
    String commit = root.path("sha").asText(null);
    if (commit == null || !commit.matches("[0-9a-f]{40}")) {
      throw TrainerException.config(
          "the Hub's listing of " + location + " has no commit id (field sha)");
    }
    List<RemoteFile> files = new ArrayList<>();
    for (JsonNode sibling : root.path("siblings")) {
      String name = sibling.path("rfilename").asText("");
      JsonNode lfs = sibling.path("lfs");
      long size = lfs.has("size") ? lfs.path("size").asLong(-1) : sibling.path("size").asLong(-1);
      String sha256 = lfs.path("sha256").asText(null);
      if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
        sha256 = null;
      }
      files.add(new RemoteFile(safeRelative(name, location), size, sha256));
    }
    return new Listing(commit, files);
  }

  /** Downloads one file of the listing (fetched at its commit, so a moving branch cannot mix). */
  public void download(HubLocation location, String commit, RemoteFile file, Path target) {
    HubLocation pinned =
        new HubLocation(location.dataset(), location.repo(), commit, location.path());
    URI uri = endpoint.resolve(pinned.filePath(file.path()));
    try {
      http.download(uri, target, file);
    } catch (HttpFetcher.HttpStatusException e) {
      throw failure(explain(location, e), e);
    } catch (IOException e) {
      if (StorageFull.isCause(e)) {
        throw new TrainerException(
            "cannot download "
                + file.path()
                + " of "
                + location
                + ": the volume holding the cache ("
                + target.getParent()
                + ") is full; the file needs "
                + StorageFull.human(Math.max(0, file.size()))
                + ". Give the claim more space",
            TrainerExitCodes.STORAGE_FULL);
      }
      throw TrainerException.temporary(
          "cannot download " + file.path() + " of " + location + ": " + e.getMessage());
    }
  }

  /**
   * A server error or rate limit may pass (the pod runs again); any other status (401, 403, 404)
   * will not.
   */
  private static TrainerException failure(String message, HttpFetcher.HttpStatusException e) {
    return e.status() >= 500 || e.status() == 429
        ? TrainerException.temporary(message)
        : TrainerException.config(message);
  }

  private static String explain(HubLocation location, HttpFetcher.HttpStatusException e) {
    String hint =
        switch (e.status()) {
          case 401 ->
              "; the repository is private or gated, or the token is wrong: give a token with"
                  + " read access (model.tokenSecretRef, HF_TOKEN or --hf-token-file)";
          case 403 ->
              "; the token has no access to this repository (a gated model asks to accept its terms)";
          case 404 -> "; check the name and the revision";
          default -> "";
        };
    return location + ": " + e.getMessage() + hint;
  }

  /** A listed name as a relative path that cannot leave the download folder. */
  static String safeRelative(String name, Object where) {
    boolean bad =
        name.isEmpty()
            || name.startsWith("/")
            || name.contains("\\")
            || name.contains("\0")
            || Path.of(name).isAbsolute();
    for (String part : name.split("/")) {
      bad |= part.isEmpty() || part.equals("..") || part.equals(".");
    }
    if (bad) {
      throw TrainerException.config(where + ": refusing the file name \"" + name + "\"");
    }
    return name;
  }
}
