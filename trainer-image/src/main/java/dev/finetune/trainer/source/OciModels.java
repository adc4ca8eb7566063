/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.oci.ModelLayer;
import dev.finetune.trainer.oci.OciFailure;
import dev.finetune.trainer.oci.OciReference;
import dev.finetune.trainer.oci.OciRegistry;
import dev.finetune.trainer.oci.RegistryLogin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Models from an OCI registry ({@code oci://registry/repository:tag} or {@code @sha256:…}), as
 * {@code publish} pushes them: each layer's files under {@code /models} become the model folder.
 * The manifest's digest pins the model: the cache keeps it under {@code
 * oci/<registry>/<repository>/snapshots/sha256-<hex>/}, which prepare reports as the revision, so a
 * trainer after prepare finds it complete and makes no request. Every blob is checked against its
 * digest before it is unpacked. A PEFT adapter is refused, naming its base model.
 *
 * <p>Credentials come from the Docker config file named by {@code REGISTRY_AUTH_FILE} (the variable
 * skopeo and podman read), else anonymous. Plain HTTP is allowed for loopback registries (as Docker
 * allows them) and for those listed in {@code FINETUNE_INSECURE_REGISTRIES} (host[:port],
 * comma-separated).
 */
final class OciModels {
  static final String AUTH_FILE = "REGISTRY_AUTH_FILE";
  static final String INSECURE = "FINETUNE_INSECURE_REGISTRIES";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path cache;

  OciModels(Path cache) {
    this.cache = cache;
  }

  Path model(String source) {
    OciReference ref = OciReference.parse(source);
    if (ref.digest() != null) {
      Path staged = snapshot(ref, ref.digest());
      if (SourceResolver.complete(staged)) {
        System.out.println("model " + source + ": staged in the cache, no download");
        return checked(source, staged, Map.of());
      }
    }
    try (OciRegistry registry =
        OciRegistry.connect(
            ref,
            login(ref),
            insecure(ref),
            false,
            line -> System.out.println("registry: " + line))) {
      OciRegistry.PulledManifest manifest = registry.pullManifest(ref.qualifier());
      if (ref.digest() != null && !ref.digest().equals(manifest.digest())) {
        throw TrainerException.config(
            source + ": the registry answered with manifest " + manifest.digest());
      }
      Map<String, String> labels =
          manifest.config() == null
              ? Map.of()
              : labels(registry.pullSmallBlob(manifest.config().digest()));
      if ("lora".equals(labels.get("dev.finetune.layout"))) {
        throw adapter(source, labels.get("dev.finetune.base-model"));
      }
      Path dir = snapshot(ref, manifest.digest());
      if (SourceResolver.complete(dir)) {
        System.out.println("model " + source + ": in the cache at " + manifest.digest());
        return checked(source, dir, labels);
      }
      long total = manifest.layers().stream().mapToLong(OciRegistry.Descriptor::size).sum();
      System.out.printf(
          Locale.ROOT,
          "model %s at %s: %d layers, %.1f MiB%n",
          source,
          manifest.digest(),
          manifest.layers().size(),
          total / 1048576.0);
      Files.createDirectories(dir);
      List<String> files = new ArrayList<>();
      for (OciRegistry.Descriptor layer : manifest.layers()) {
        Path temp = dir.resolve(".layer-" + layer.digest().substring(7, 19) + ".part");
        try (OutputStream out = Files.newOutputStream(temp)) {
          registry.pullBlob(layer.digest(), out, n -> {});
        }
        try (InputStream in = Files.newInputStream(temp)) {
          files.addAll(ModelLayer.unpack(in, dir, source));
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      SourceResolver.writeManifest(
          dir, files.stream().map(f -> new RemoteFile(f, size(dir.resolve(f)), null)).toList());
      return checked(source, dir, labels);
    } catch (OciFailure e) {
      throw e.kind() == OciFailure.Kind.UNREACHABLE
          ? TrainerException.temporary(e.getMessage())
          : TrainerException.config(e.getMessage());
    } catch (IOException e) {
      throw TrainerException.config("cannot stage " + source + ": " + e.getMessage());
    }
  }

  /** A full model folder; an adapter is refused naming its base. */
  private static Path checked(String source, Path dir, Map<String, String> labels) {
    if (Files.isRegularFile(dir.resolve("adapter_config.json"))
        && !Files.isRegularFile(dir.resolve("config.json"))) {
      String base = labels.get("dev.finetune.base-model");
      if (base == null) {
        try {
          JsonNode config = JSON.readTree(dir.resolve("adapter_config.json").toFile());
          base = config.path("base_model_name_or_path").asText(null);
        } catch (IOException e) {
          base = null;
        }
      }
      throw adapter(source, base);
    }
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw TrainerException.config(
          source
              + " holds no /models/config.json: not a model published by finetune-trainer"
              + " or a modelcar image");
    }
    return dir;
  }

  private static TrainerException adapter(String source, String base) {
    return TrainerException.config(
        source
            + " is a LoRA adapter"
            + (base == null ? "" : " for " + base)
            + ", not a model: train from its base model"
            + (base == null ? "" : " (spec.model.source: " + base + ")")
            + ", or publish the merged model (output.publish.what: merged) and train from that");
  }

  private Path snapshot(OciReference ref, String digest) {
    return cache
        .resolve("oci")
        .resolve(ref.registry().replace(':', '_'))
        .resolve(ref.repository())
        .resolve("snapshots")
        .resolve(digest.replace(':', '-'));
  }

  private static Map<String, String> labels(byte[] config) {
    Map<String, String> labels = new TreeMap<>();
    try {
      JSON.readTree(config)
          .path("config")
          .path("Labels")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      // An image config without labels: nothing to learn from it.
    }
    return labels;
  }

  private static RegistryLogin login(OciReference ref) {
    String file = System.getenv(AUTH_FILE);
    if (file == null || file.isBlank()) {
      return null;
    }
    Optional<RegistryLogin> login = RegistryLogin.read(Path.of(file), ref.registry());
    return login.orElse(null);
  }

  /** Loopback registries, and those in FINETUNE_INSECURE_REGISTRIES, may be plain HTTP. */
  static boolean insecure(OciReference ref) {
    String listed = System.getenv(INSECURE);
    if (listed != null
        && Arrays.stream(listed.split(",")).map(String::trim).anyMatch(ref.registry()::equals)) {
      return true;
    }
    String host = ref.registry().replaceFirst(":[0-9]+$", "").replaceAll("[\\[\\]]", "");
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return host.matches("[0-9.]+|[0-9a-fA-F:]+")
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
