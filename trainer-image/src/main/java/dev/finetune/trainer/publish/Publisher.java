/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.publish;

import dev.finetune.api.protocol.PublishResult;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.oci.ImageManifest;
import dev.finetune.trainer.oci.ModelLayer;
import dev.finetune.trainer.oci.OciFailure;
import dev.finetune.trainer.oci.OciRegistry;
import dev.finetune.trainer.oci.RegistryLogin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Pushes a model folder as an OCI image: one uncompressed tar layer per file ({@link ModelLayer},
 * files at {@code /models/<name>}), an image config whose labels repeat the annotations, and an OCI
 * image manifest with the annotations, pushed under the request's tag. Each blob is checked with a
 * HEAD request first and sent only when the registry does not have it, so a push cut off half-way,
 * run again, sends only what is missing, and layers an earlier push (of another job) left are
 * shared. The layers, config and manifest depend only on the files and the annotations: pushing an
 * unchanged folder again sends nothing and gives the same digest.
 */
public final class Publisher {
  /** Annotation keys publish computes or takes from the operator's flags. */
  public static final String CREATED = "org.opencontainers.image.created";

  public static final String SOURCE = "org.opencontainers.image.source";
  public static final String REVISION = "org.opencontainers.image.revision";
  public static final String TITLE = "org.opencontainers.image.title";
  public static final String DESCRIPTION = "org.opencontainers.image.description";
  public static final String BASE_MODEL = "dev.finetune.base-model";
  public static final String BASE_MODEL_REVISION = "dev.finetune.base-model-revision";
  public static final String JOB = "dev.finetune.job";
  public static final String TRAIN_LOSS = "dev.finetune.train-loss";
  public static final String EVAL_LOSS = "dev.finetune.eval-loss";
  public static final String DATA_DIGESTS = "dev.finetune.data-digests";

  /** {@code full} (a model folder with config.json) or {@code lora} (a PEFT adapter). */
  public static final String LAYOUT = "dev.finetune.layout";

  private final Listener listener;

  /** What happened to each blob, in push order (layers in file order, then the config). */
  public interface Listener {
    /**
     * @param name the file (or {@code config})
     * @param blob its digest and size
     * @param sent whether it was uploaded (false: the registry had it)
     */
    void blob(String name, ModelLayer.Blob blob, boolean sent);

    /** Bytes of blob {@code name} written to the registry so far, while it uploads. */
    default void uploading(String name, long bytes) {}

    /** A line for the log. */
    default void log(String line) {
      System.out.println(line);
    }
  }

  public Publisher(Listener listener) {
    this.listener = listener;
  }

  /** Prints one line per blob. */
  public Publisher() {
    this(
        (name, blob, sent) ->
            System.out.printf(
                java.util.Locale.ROOT,
                "%s %s (%s, %s)%n",
                sent ? "sent" : "skipped (the registry has it)",
                name,
                size(blob.size()),
                blob.digest().substring(0, 19)));
  }

  /**
   * Pushes; a registry that refuses or cannot be reached ends in an {@link OciFailure}, a bad
   * folder or credentials file in a configuration error. {@code progress} receives the counts so
   * far, also when it fails (how far the push got).
   */
  public PublishResult publish(PublishRequest request, Consumer<PublishResult.Blobs> progress) {
    List<ModelLayer> files = files(request.from());
    String layout = layout(request.from());
    RegistryLogin login = login(request);

    List<ModelLayer.Blob> blobs = new ArrayList<>();
    long bytes = 0;
    for (ModelLayer file : files) {
      try {
        blobs.add(file.describe());
        bytes += Files.size(file.file());
      } catch (IOException e) {
        throw TrainerException.config("cannot read " + file.file() + ": " + e.getMessage());
      }
    }
    Map<String, String> annotations = new TreeMap<>(request.annotations());
    annotations.put(LAYOUT, layout);
    annotations.put(
        CREATED, request.created() != null ? request.created() : newest(files).toString());
    byte[] config = ImageManifest.config(annotations.get(CREATED), blobs, annotations);
    ModelLayer.Blob configBlob = new ModelLayer.Blob(ImageManifest.digest(config), config.length);
    List<ImageManifest.Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      layers.add(
          new ImageManifest.Descriptor(
              ModelLayer.MEDIA_TYPE,
              blobs.get(i).digest(),
              blobs.get(i).size(),
              Map.of(ImageManifest.TITLE, files.get(i).name())));
    }
    ImageManifest manifest =
        new ImageManifest(
            new ImageManifest.Descriptor(
                ImageManifest.CONFIG_MEDIA_TYPE, configBlob.digest(), configBlob.size(), null),
            layers,
            new LinkedHashMap<>(annotations));

    int total = files.size() + 1;
    int[] sent = {0};
    int[] skipped = {0};
    long[] bytesSent = {0};
    Runnable report =
        () -> progress.accept(new PublishResult.Blobs(total, sent[0], skipped[0], bytesSent[0]));
    listener.log(
        String.format(
            java.util.Locale.ROOT,
            "publishing %s (%s, %d files, %s) to %s",
            request.from(),
            layout,
            files.size(),
            size(bytes),
            request.to()));
    try (OciRegistry registry =
        OciRegistry.connect(
            request.to(),
            login,
            request.insecure(),
            true,
            line -> listener.log("registry: " + line))) {
      for (int i = 0; i <= files.size(); i++) {
        boolean isConfig = i == files.size();
        ModelLayer.Blob blob = isConfig ? configBlob : blobs.get(i);
        String name = isConfig ? "config" : files.get(i).name();
        if (registry.blobSize(blob.digest()).isPresent()) {
          skipped[0]++;
          report.run();
          listener.blob(name, blob, false);
          continue;
        }
        ModelLayer file = isConfig ? null : files.get(i);
        long[] uploaded = {0};
        registry.pushBlob(
            blob.digest(),
            out -> {
              if (file == null) {
                out.write(config);
              } else {
                file.writeTo(out);
              }
            },
            n -> listener.uploading(name, uploaded[0] += n));
        sent[0]++;
        bytesSent[0] += blob.size();
        report.run();
        listener.blob(name, blob, true);
      }
      String digest = registry.pushManifest(manifest, request.to().tag());
      byte[] json = manifest.json();
      if (!digest.equals(ImageManifest.digest(json))) {
        throw new OciFailure(
            OciFailure.Kind.REFUSED,
            "the registry stored the manifest under "
                + digest
                + ", not its digest "
                + ImageManifest.digest(json));
      }
      return new PublishResult(
          "Succeeded",
          null,
          null,
          new PublishResult.Artifact(
              request.to().withDigest(digest).pinned(),
              digest,
              json.length,
              ImageManifest.MEDIA_TYPE),
          request.to().tag(),
          files.size(),
          bytes,
          new PublishResult.Blobs(total, sent[0], skipped[0], bytesSent[0]));
    }
  }

  /** Every regular file under {@code folder} (links followed), by name. */
  static List<ModelLayer> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw TrainerException.config(folder + " is not a folder: publish takes a model folder");
    }
    List<ModelLayer> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
      walk.filter(Files::isRegularFile)
          .sorted(Comparator.comparing(p -> folder.relativize(p).toString()))
          .forEach(
              p ->
                  files.add(new ModelLayer(p, folder.relativize(p).toString().replace('\\', '/'))));
    } catch (IOException | UncheckedIOException e) {
      throw TrainerException.config("cannot list " + folder + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw TrainerException.config(folder + " is empty: nothing to publish");
    }
    return files;
  }

  /** full or lora, from the files; neither is a configuration error. */
  static String layout(Path folder) {
    if (Files.isRegularFile(folder.resolve("adapter_config.json"))) {
      return "lora";
    }
    if (Files.isRegularFile(folder.resolve("config.json"))) {
      return "full";
    }
    throw TrainerException.config(
        folder
            + " holds neither config.json (a model) nor adapter_config.json (a PEFT adapter):"
            + " publish takes final/ or merged/ of a run");
  }

  private static RegistryLogin login(PublishRequest request) {
    if (request.credentials() == null) {
      return null;
    }
    String registry = request.to().registry();
    Optional<RegistryLogin> login = RegistryLogin.read(request.credentials(), registry);
    if (login.isEmpty()) {
      throw TrainerException.config(
          "the registry credentials "
              + request.credentials()
              + " have no entry for "
              + registry
              + " (entries: "
              + String.join(", ", RegistryLogin.registries(request.credentials()))
              + ")");
    }
    return login.get();
  }

  private static Instant newest(List<ModelLayer> files) {
    FileTime newest = FileTime.fromMillis(0);
    for (ModelLayer f : files) {
      try {
        FileTime t = Files.getLastModifiedTime(f.file());
        if (t.compareTo(newest) > 0) {
          newest = t;
        }
      } catch (IOException e) {
        throw TrainerException.config("cannot read " + f.file() + ": " + e.getMessage());
      }
    }
    return newest.toInstant().truncatedTo(ChronoUnit.SECONDS);
  }

  static String size(long bytes) {
    return bytes < 1 << 20
        ? String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0)
        : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
