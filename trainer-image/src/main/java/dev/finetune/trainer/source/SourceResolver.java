/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.ModelFiles;
import dev.finetune.trainer.oci.OciReference;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a model or data source into a local path: a path is used as it is; {@code hf://} and {@code
 * https://} sources are downloaded once into the cache and reused from there (a restarted pod with
 * the same cache volume downloads nothing again, and finishes a half-done file).
 *
 * <p>Cache layout: {@code <cache>/models--org--name/snapshots/<commit>/<file>} (the Hub's own
 * naming; the snapshot is the commit the revision pointed at) and {@code <cache>/urls/<sha256 of
 * the URL, 16 hex>/<file>} for HTTPS.
 */
public final class SourceResolver {
  /**
   * The files a model needs: config, tokenizer, safetensors weights (no .bin, no ONNX, no GGUF).
   */
  private static final Pattern MODEL_FILE =
      Pattern.compile(
          "config\\.json|generation_config\\.json|tokenizer\\.json|tokenizer_config\\.json"
              + "|special_tokens_map\\.json|vocab\\.json|merges\\.txt|chat_template\\.jinja"
              + "|model\\.safetensors\\.index\\.json|[^/]+\\.safetensors");

  /** Every file of a complete model snapshot with its size, one {@code path<TAB>size} a line. */
  static final String MANIFEST = ".finetune-manifest";

  private final Path cache;
  private final OciModels oci;
  private final HubClient hub;
  private final HttpFetcher plain;

  /**
   * @param hub the Hub client (with the token)
   * @param plain a fetcher without a token, for {@code https://} sources
   */
  public SourceResolver(Path cache, HubClient hub, HttpFetcher plain) {
    this.cache = cache;
    this.oci = new OciModels(cache);
    this.hub = hub;
    this.plain = plain;
  }

  public static boolean isRemote(String source) {
    return HubLocation.matches(source)
        || OciReference.matches(source)
        || source.startsWith("https://")
        || source.startsWith("http://");
  }

  /** A model folder for {@code source}. */
  public Path model(String source) {
    if (dev.finetune.trainer.model.Presets.matches(source)) {
      return dev.finetune.trainer.model.Presets.materialize(source, cache);
    }
    if (HubLocation.matches(source)) {
      HubLocation location = HubLocation.parse(source);
      if (location.dataset()) {
        throw TrainerException.config(source + " is a dataset file, not a model");
      }
      return hubModel(location);
    }
    if (OciReference.matches(source)) {
      return oci.model(source);
    }
    if (isRemote(source)) {
      return httpsModel(source);
    }
    return Path.of(source);
  }

  /** A data file for {@code source}. */
  public Path dataFile(String source) {
    if (OciReference.matches(source)) {
      throw TrainerException.config(
          source + ": oci:// is for models; data comes from a path, hf://datasets/… or https://");
    }
    if (HubLocation.matches(source)) {
      HubLocation location = HubLocation.parse(source);
      if (!location.dataset()) {
        throw TrainerException.config(
            source + ": data comes from hf://datasets/org/name[@revision]/path/file.jsonl");
      }
      if (location.pinned()) {
        // A file gets its name in the cache only once verified: present means complete.
        Path cached = snapshot(location, location.revision()).resolve(location.path());
        if (Files.isRegularFile(cached)) {
          return cached;
        }
      }
      HubClient.Listing listing = hub.listing(location);
      RemoteFile file =
          listing.files().stream()
              .filter(f -> f.path().equals(location.path()))
              .findFirst()
              .orElseThrow(
                  () ->
                      TrainerException.config(
                          location + ": the repository has no file " + location.path()));
      Path dir = snapshot(location, listing.commit());
      fetch(location, listing.commit(), file, dir);
      return dir.resolve(file.path());
    }
    if (isRemote(source)) {
      URI uri = uri(source);
      String name = lastSegment(uri);
      Path target = urlFolder(source).resolve(name);
      if (!Files.isRegularFile(target)) {
        download(uri, target, new RemoteFile(name, -1, null));
      }
      return target;
    }
    return Path.of(source);
  }

  private Path hubModel(HubLocation location) {
    Optional<Path> staged = staged(location);
    if (staged.isPresent()) {
      System.out.println("model " + location + ": staged in the cache, no download");
      return staged.get();
    }
    HubClient.Listing listing = hub.listing(location);
    List<RemoteFile> wanted =
        listing.files().stream().filter(f -> MODEL_FILE.matcher(f.path()).matches()).toList();
    if (wanted.stream().noneMatch(f -> f.path().equals("config.json"))) {
      throw TrainerException.config(location + " has no config.json: is it a model repository?");
    }
    if (wanted.stream().noneMatch(f -> f.path().endsWith(".safetensors"))) {
      throw TrainerException.config(
          location
              + " has no .safetensors weights (only other formats); convert it to safetensors"
              + " first");
    }
    Path dir = snapshot(location, listing.commit());
    long total = wanted.stream().mapToLong(f -> Math.max(0, f.size())).sum();
    System.out.printf(
        Locale.ROOT,
        "model %s at commit %s: %d files, %.1f MiB%n",
        location,
        listing.commit().substring(0, 12),
        wanted.size(),
        total / 1048576.0);
    for (RemoteFile file : wanted) {
      fetch(location, listing.commit(), file, dir);
    }
    writeManifest(dir, wanted);
    return dir;
  }

  /**
   * A model snapshot already complete in the cache at a pinned commit (a commit's files never
   * change): its manifest lists every file with its size, written once all were fetched and
   * verified. Then no request is made — what a trainer pod after the prepare step relies on.
   */
  private Optional<Path> staged(HubLocation location) {
    if (!location.pinned()) {
      return Optional.empty();
    }
    Path dir = snapshot(location, location.revision());
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
        int tab = line.lastIndexOf('\t');
        Path file =
            dir.resolve(HubClient.safeRelative(line.substring(0, tab), location.toString()));
        long size = Long.parseLong(line.substring(tab + 1));
        if (!Files.isRegularFile(file) || (size >= 0 && Files.size(file) != size)) {
          return Optional.empty();
        }
      }
      return Optional.of(dir);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code dir} holds every file its manifest lists, at its size. */
  static boolean complete(Path dir) {
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return false;
    }
    try {
      for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
        int tab = line.lastIndexOf('\t');
        Path file = dir.resolve(HubClient.safeRelative(line.substring(0, tab), dir.toString()));
        long size = Long.parseLong(line.substring(tab + 1));
        if (!Files.isRegularFile(file) || (size >= 0 && Files.size(file) != size)) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static void writeManifest(Path dir, List<RemoteFile> files) {
    StringBuilder lines = new StringBuilder();
    for (RemoteFile f : files) {
      lines.append(f.path()).append('\t').append(f.size()).append('\n');
    }
    try {
      Path temp = dir.resolve(MANIFEST + ".tmp");
      Files.writeString(temp, lines, StandardCharsets.UTF_8);
      Files.move(temp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // Without a manifest the next start lists the repository again: slower, not wrong.
      System.err.println("warning: cannot write " + dir.resolve(MANIFEST) + ": " + e.getMessage());
    }
  }

  private void fetch(HubLocation location, String commit, RemoteFile file, Path dir) {
    Path target = dir.resolve(file.path());
    try {
      if (Files.isRegularFile(target) && (file.size() < 0 || Files.size(target) == file.size())) {
        return; // complete: only verified files get their final name
      }
    } catch (IOException e) {
      throw TrainerException.config("cannot read the cache at " + target + ": " + e.getMessage());
    }
    System.out.println("downloading " + file.path() + " (" + file.size() + " bytes)");
    hub.download(location, commit, file, target);
  }

  private Path httpsModel(String source) {
    String base = source.endsWith("/") ? source : source + "/";
    Path dir = urlFolder(base);
    for (String name : ModelFiles.SIDE_FILES) {
      optional(uri(base + name), dir.resolve(name), name.equals("config.json"));
    }
    boolean sharded =
        optional(
            uri(base + "model.safetensors.index.json"),
            dir.resolve("model.safetensors.index.json"),
            false);
    if (sharded) {
      throw TrainerException.config(
          source + ": sharded weights over HTTPS are not supported; use hf:// or a volume");
    }
    optional(uri(base + "model.safetensors"), dir.resolve("model.safetensors"), true);
    return dir;
  }

  /** Downloads a file unless cached; a 404 is fine unless {@code required}. */
  private boolean optional(URI uri, Path target, boolean required) {
    if (Files.isRegularFile(target)) {
      return true;
    }
    try {
      plain.download(uri, target, new RemoteFile(target.getFileName().toString(), -1, null));
      return true;
    } catch (HttpFetcher.HttpStatusException e) {
      if (e.status() == 404 && !required) {
        return false;
      }
      throw TrainerException.config(e.getMessage());
    } catch (IOException e) {
      throw TrainerException.config(
          "cannot download " + HttpFetcher.redacted(uri) + ": " + e.getMessage());
    }
  }

  private void download(URI uri, Path target, RemoteFile file) {
    try {
      plain.download(uri, target, file);
    } catch (IOException e) {
      throw TrainerException.config(e.getMessage());
    }
  }

  private Path snapshot(HubLocation location, String commit) {
    return cache.resolve(location.cacheName()).resolve("snapshots").resolve(commit);
  }

  private Path urlFolder(String url) {
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(url.getBytes(StandardCharsets.UTF_8));
      return cache.resolve("urls").resolve(HexFormat.of().formatHex(hash).substring(0, 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URI uri(String source) {
    try {
      return URI.create(source);
    } catch (IllegalArgumentException e) {
      throw TrainerException.config(
          "a source is not a valid URL (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String lastSegment(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1);
    return HubClient.safeRelative(name.isEmpty() ? "download" : name, HttpFetcher.redacted(uri));
  }
}
