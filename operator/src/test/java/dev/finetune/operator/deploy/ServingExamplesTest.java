/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/examples/serving: vLLM and KServe manifests that serve what a FineTuneJob published
 * (trainer {@code publish}: one layer per file at {@code /models/<file>}). They are not
 * FineTuneJobs, so they live in a subfolder that the FineTuneJob example tests (which list
 * deploy/examples/*.yaml) do not read. No API server or kubectl schema is available offline, so
 * each object is read strictly into fabric8's typed model with unknown fields refused (a misspelt
 * field fails, where a real API server would drop or refuse it), and checked for: digest-pinned
 * image volumes with model paths that are the mount plus {@code models} (vLLM), or a digest-pinned
 * {@code oci://} / {@code oci+native://} storageUri read from {@code /mnt/models} (KServe's native
 * OCI mode mounts the image there with {@code subPath: models}), the project's hardened pod
 * baseline, resources, and no credentials.
 */
class ServingExamplesTest {
  static final Path SERVING = Path.of("../deploy/examples/serving");

  /** The folder inside a published image that holds the model's files (trainer's ModelLayer). */
  static final String MODEL_ROOT = "models";

  /** registry[:port]/repository@sha256:(64 hex | the placeholder DIGEST). */
  static final Pattern PINNED =
      Pattern.compile(
          "[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+@sha256:([0-9a-f]{64}|DIGEST)",
          Pattern.CASE_INSENSITIVE);

  /**
   * A KServe storageUri for an OCI image: {@code oci://} (the cluster's ociModelMode decides; this
   * project's images need "native") or {@code oci+native://} (native for this service only).
   */
  static final Pattern OCI_STORAGE_URI = Pattern.compile("(oci|oci\\+native)://(.*)");

  /**
   * Where KServe's native OCI mode mounts the image's {@code /models} folder (kserve/kserve#5558:
   * an image volume at /mnt/models with subPath "models"), and the Hugging Face runtime's default
   * --model_dir.
   */
  static final String KSERVE_MODEL_DIR = "/mnt/models";

  /** fabric8's model with every class's "additional properties" catch-all turned off. */
  static final ObjectMapper STRICT = strictMapper();

  private static final ObjectMapper YAML = new YAMLMapper();

  static Stream<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.list(SERVING)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void thereAreTheVllmAndKserveExamples() throws IOException {
    assertThat(manifests().map(p -> p.getFileName().toString()))
        .contains("vllm-full-model.yaml", "vllm-lora-adapter.yaml", "kserve-full-model.yaml");
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everyObjectIsStrictlyValidHardenedAndServesADigestPinnedImage(Path file) throws IOException {
    List<JsonNode> objects = read(Files.readString(file));
    assertThat(objects).as("%s", file).isNotEmpty();
    List<Served> served = new ArrayList<>();
    for (JsonNode object : objects) {
      String kind = object.path("apiVersion").asText() + " " + object.path("kind").asText();
      switch (kind) {
        case "apps/v1 Deployment" -> {
          Deployment d = STRICT.treeToValue(object, Deployment.class);
          served.add(new Served("Deployment/" + d.getMetadata().getName(), podOf(d)));
        }
        case "v1 Service" -> STRICT.treeToValue(object, Service.class);
        case "serving.kserve.io/v1beta1 InferenceService" -> served.add(served(object));
        default -> throw new AssertionError(file + ": unexpected object " + kind);
      }
    }
    assertThat(served).as("%s serves something", file).isNotEmpty();
    for (Served s : served) {
      check(s);
    }
    for (JsonNode object : objects) {
      if (object.path("kind").asText().equals("Service")) {
        Service service = STRICT.treeToValue(object, Service.class);
        assertThat(served)
            .as("Service/%s selects a pod of %s", service.getMetadata().getName(), file)
            .anySatisfy(
                s ->
                    assertThat(s.pod().getMetadata().getLabels())
                        .containsAllEntriesOf(service.getSpec().getSelector()));
      }
    }
    assertThat(storageUris(objects))
        .as("%s: a storageUri must be oci:// or oci+native:// and pinned by digest", file)
        .allSatisfy(uri -> assertThat(pinned(ociReference(uri))).isTrue());
  }

  @Test
  void theLoraExampleServesTheAdapterFromItsImageVolumeOnTheJobsBase() throws IOException {
    PodSpec pod =
        STRICT
            .treeToValue(
                read(Files.readString(SERVING.resolve("vllm-lora-adapter.yaml"))).get(0),
                Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec();
    List<String> args = pod.getContainers().get(0).getArgs();
    assertThat(args).contains("--enable-lora");
    assertThat(args.get(0))
        .as("the base is lora-hub-model.yaml's hf://Qwen/Qwen2.5-0.5B-Instruct")
        .isEqualTo("Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(option(args, "--lora-modules")).contains("support-bot-lora=/mnt/adapter/models");
    assertThat(Integer.parseInt(option(args, "--max-lora-rank").orElseThrow()))
        .as("at least lora-hub-model.yaml's rank")
        .isGreaterThanOrEqualTo(16);
  }

  @Test
  void theStrictReadingCatchesAMisspeltFieldAndTheChecksATagOrAWrongPath() throws IOException {
    String yaml = Files.readString(SERVING.resolve("vllm-full-model.yaml"));
    JsonNode misspelt =
        read(yaml.replace("readOnlyRootFilesystem", "readOnlyRootFileSystem")).get(0);
    assertThatThrownBy(() -> STRICT.treeToValue(misspelt, Deployment.class))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("readOnlyRootFileSystem");

    String kserve = Files.readString(SERVING.resolve("kserve-full-model.yaml"));
    JsonNode isvc = read(kserve.replace("medium: Memory", "medim: Memory")).get(0);
    assertThatThrownBy(() -> podOf(isvc))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("medim");

    JsonNode tagged =
        read(yaml.replaceAll("llama-full-domain@sha256:DIGEST", "llama-full-domain:v1")).get(0);
    Deployment d = STRICT.treeToValue(tagged, Deployment.class);
    assertThatThrownBy(() -> check(new Served("tagged", podOf(d))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pinned by digest");

    JsonNode wrongPath = read(yaml.replace("- /mnt/model/models", "- /mnt/model")).get(0);
    Deployment w = STRICT.treeToValue(wrongPath, Deployment.class);
    assertThatThrownBy(() -> check(new Served("wrong path", podOf(w))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/mnt/model/models");
  }

  @Test
  void theKserveExampleReadsADigestPinnedOciStorageUriFromMntModels() throws IOException {
    String kserve = Files.readString(SERVING.resolve("kserve-full-model.yaml"));
    JsonNode isvc = read(kserve).get(0);
    assertThat(isvc.path("spec").path("predictor").path("model").path("storageUri").asText())
        .isEqualTo("oci://registry.example.com/models/llama-full-domain@sha256:DIGEST");
    Served served = served(isvc);
    assertThat(option(served.pod().getSpec().getContainers().get(0).getArgs(), "--model_dir"))
        .contains(KSERVE_MODEL_DIR);
    assertThat(served.pod().getSpec().getVolumes())
        .as("the model comes from the storageUri, not from an image volume of the example's own")
        .allSatisfy(v -> assertThat(v.getImage()).isNull());
    assertThat(
            isvc.path("metadata")
                .path("annotations")
                .path("serving.kserve.io/deploymentMode")
                .asText())
        .as("Standard (plain Deployment) mode")
        .isEqualTo("Standard");

    // The per-service scheme is accepted as well, and a real digest.
    check(served(read(kserve.replace("storageUri: oci://", "storageUri: oci+native://")).get(0)));
    check(
        served(
            read(kserve.replace("sha256:DIGEST", "sha256:" + "0123456789abcdef".repeat(4)))
                .get(0)));

    // Negative controls: a tag, another scheme, a short digest, another model folder, a mount of
    // its own where KServe mounts the model.
    assertThatThrownBy(
            () ->
                check(
                    served(
                        read(kserve.replace(
                                "llama-full-domain@sha256:DIGEST", "llama-full-domain:v1"))
                            .get(0))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pinned by digest");
    assertThatThrownBy(
            () ->
                check(
                    served(read(kserve.replace("storageUri: oci://", "storageUri: s3://")).get(0))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("oci:// or oci+native://");
    assertThatThrownBy(
            () -> check(served(read(kserve.replace("sha256:DIGEST", "sha256:0123abcd")).get(0))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pinned by digest");
    assertThatThrownBy(
            () ->
                check(
                    served(
                        read(kserve.replace(
                                "--model_dir=/mnt/models", "--model_dir=/mnt/model/models"))
                            .get(0))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(KSERVE_MODEL_DIR);
    assertThatThrownBy(
            () ->
                check(
                    served(
                        read(kserve.replace("mountPath: /dev/shm", "mountPath: /mnt/models"))
                            .get(0))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("nothing of its own mounted at /mnt/models");
    assertThatThrownBy(
            () ->
                check(
                    served(
                        read(kserve.replace(
                                "      storageUri: oci://", "      #storageUri: oci://"))
                            .get(0))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("has a storageUri");
  }

  /**
   * A pod that serves a model: a Deployment's (the model in an image volume of its own), or a
   * KServe predictor's ({@code storageUri} set: KServe adds the model's volume).
   */
  record Served(
      String name,
      io.fabric8.kubernetes.api.model.PodTemplateSpec pod,
      boolean kserve,
      String storageUri) {
    Served(String name, io.fabric8.kubernetes.api.model.PodTemplateSpec pod) {
      this(name, pod, false, null);
    }
  }

  static Served served(JsonNode isvc) throws IOException {
    JsonNode uri = isvc.path("spec").path("predictor").path("model").path("storageUri");
    return new Served(
        "InferenceService/" + name(isvc), podOf(isvc), true, uri.isTextual() ? uri.asText() : null);
  }

  /** The image reference of an {@code oci://} or {@code oci+native://} storageUri, else null. */
  static String ociReference(String storageUri) {
    Matcher m = OCI_STORAGE_URI.matcher(storageUri == null ? "" : storageUri);
    return m.matches() ? m.group(2) : null;
  }

  static void check(Served s) {
    PodSpec spec = s.pod().getSpec();
    assertThat(Manifests.hardeningGaps(spec)).as("%s hardening", s.name()).isEmpty();
    assertThat(spec.getAutomountServiceAccountToken()).as("%s token", s.name()).isFalse();
    Container server = spec.getContainers().get(0);
    var resources = server.getResources();
    assertThat(resources).as("%s resources", s.name()).isNotNull();
    assertThat(resources.getRequests()).as("%s requests", s.name()).containsKeys("cpu", "memory");
    assertThat(resources.getLimits()).as("%s limits", s.name()).containsKey("memory");
    for (EnvVar env : server.getEnv()) {
      if (env.getName().matches("(?i).*(TOKEN|PASSWORD|SECRET|KEY).*")) {
        assertThat(env.getValue())
            .as("%s: %s comes from a Secret, never a literal", s.name(), env.getName())
            .isNull();
      }
    }
    if (s.kserve()) {
      checkKserveModel(s, spec, server);
      return;
    }
    List<Volume> images = spec.getVolumes().stream().filter(v -> v.getImage() != null).toList();
    assertThat(images).as("%s has an image volume", s.name()).isNotEmpty();
    List<String> modelPaths = modelPaths(server.getArgs(), false);
    for (Volume v : images) {
      String reference = v.getImage().getReference();
      assertThat(pinned(reference))
          .as(
              "%s: image volume %s reference %s is pinned by digest",
              s.name(), v.getName(), reference)
          .isTrue();
      assertThat(v.getImage().getPullPolicy())
          .as("%s pullPolicy", s.name())
          .isEqualTo("IfNotPresent");
      VolumeMount mount =
          server.getVolumeMounts().stream()
              .filter(m -> m.getName().equals(v.getName()))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(s.name() + ": " + v.getName() + " not mounted"));
      assertThat(mount.getReadOnly()).as("%s: %s read-only", s.name(), v.getName()).isTrue();
      assertThat(mount.getSubPath()).as("%s: whole image mounted", s.name()).isNull();
      String folder = mount.getMountPath() + "/" + MODEL_ROOT;
      assertThat(modelPaths)
          .as(
              "%s: the server reads %s (the image holds the files at /%s/)",
              s.name(), folder, MODEL_ROOT)
          .contains(folder);
    }
    assertThat(modelPaths)
        .as("%s: every model path is inside an image volume", s.name())
        .allSatisfy(
            p ->
                assertThat(
                        images.stream().map(v -> mountPath(server, v) + "/" + MODEL_ROOT).toList())
                    .contains(p));
  }

  /**
   * A KServe predictor's model: a digest-pinned {@code oci://} or {@code oci+native://} storageUri,
   * which KServe's native mode mounts (read-only, {@code subPath: models}) at {@link
   * #KSERVE_MODEL_DIR}; the runtime reads it there (--model_dir, if given, is that folder), and the
   * predictor mounts nothing of its own there (KServe would refuse the clash) nor an image volume
   * of its own.
   */
  static void checkKserveModel(Served s, PodSpec spec, Container server) {
    String uri = s.storageUri();
    assertThat(uri).as("%s has a storageUri", s.name()).isNotNull();
    String reference = ociReference(uri);
    assertThat(reference)
        .as("%s: storageUri %s is oci:// or oci+native://", s.name(), uri)
        .isNotNull();
    assertThat(pinned(reference))
        .as("%s: storageUri %s is pinned by digest", s.name(), uri)
        .isTrue();
    assertThat(modelPaths(server.getArgs(), true))
        .as(
            "%s: --model_dir is %s, where KServe mounts the image's /%s/",
            s.name(), KSERVE_MODEL_DIR, MODEL_ROOT)
        .allSatisfy(p -> assertThat(p).isEqualTo(KSERVE_MODEL_DIR));
    List<VolumeMount> mounts =
        server.getVolumeMounts() == null ? List.of() : server.getVolumeMounts();
    assertThat(mounts)
        .as("%s: nothing of its own mounted at %s or below", s.name(), KSERVE_MODEL_DIR)
        .noneMatch(
            m ->
                m.getMountPath().equals(KSERVE_MODEL_DIR)
                    || m.getMountPath().startsWith(KSERVE_MODEL_DIR + "/"));
    List<Volume> volumes = spec.getVolumes() == null ? List.of() : spec.getVolumes();
    assertThat(volumes)
        .as("%s: the model comes from the storageUri, not an image volume", s.name())
        .noneMatch(v -> v.getImage() != null);
  }

  /**
   * The folders a server reads models from: vLLM's model and --lora-modules, KServe's --model_dir.
   */
  static List<String> modelPaths(List<String> args, boolean kserve) {
    List<String> paths = new ArrayList<>();
    if (kserve) {
      option(args, "--model_dir").ifPresent(paths::add);
      return paths;
    }
    String model = !args.isEmpty() && !args.get(0).startsWith("-") ? args.get(0) : null;
    model = option(args, "--model").orElse(model);
    if (model != null && model.startsWith("/")) {
      paths.add(model);
    }
    option(args, "--lora-modules")
        .ifPresent(
            modules -> {
              for (String module : modules.split(" ")) {
                paths.add(module.substring(module.indexOf('=') + 1));
              }
            });
    return paths;
  }

  static Optional<String> option(List<String> args, String name) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).startsWith(name + "=")) {
        return Optional.of(args.get(i).substring(name.length() + 1));
      }
      if (args.get(i).equals(name) && i + 1 < args.size()) {
        return Optional.of(args.get(i + 1));
      }
    }
    return Optional.empty();
  }

  static boolean pinned(String reference) {
    return reference != null && PINNED.matcher(reference).matches();
  }

  private static String mountPath(Container c, Volume v) {
    return c.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(v.getName()))
        .map(VolumeMount::getMountPath)
        .findFirst()
        .orElse("?");
  }

  private static io.fabric8.kubernetes.api.model.PodTemplateSpec podOf(Deployment d) {
    return d.getSpec().getTemplate();
  }

  /**
   * An InferenceService's predictor as a pod: the predictor is a pod spec with the model (a
   * container plus modelFormat, storageUri, runtime, protocolVersion) as its container; both are
   * read strictly.
   */
  private static io.fabric8.kubernetes.api.model.PodTemplateSpec podOf(JsonNode isvc)
      throws IOException {
    ObjectNode predictor = (ObjectNode) isvc.path("spec").path("predictor").deepCopy();
    assertThat(isvc.path("spec").size()).as("only a predictor").isEqualTo(1);
    ObjectNode model = (ObjectNode) predictor.remove("model");
    assertThat(model).as("predictor.model").isNotNull();
    assertThat(model.path("modelFormat").path("name").asText()).isEqualTo("huggingface");
    for (String kserveOnly :
        List.of("modelFormat", "storageUri", "runtime", "protocolVersion", "runtimeVersion")) {
      model.remove(kserveOnly);
    }
    for (String kserveOnly :
        List.of(
            "minReplicas",
            "maxReplicas",
            "scaleTarget",
            "scaleMetric",
            "containerConcurrency",
            "timeout",
            "canaryTrafficPercent",
            "logger",
            "batcher")) {
      predictor.remove(kserveOnly);
    }
    model.put("name", "kserve-container");
    predictor.putArray("containers").add(model);
    PodSpec spec = STRICT.treeToValue(predictor, PodSpec.class);
    return new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of())
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static List<String> storageUris(List<JsonNode> objects) {
    List<String> uris = new ArrayList<>();
    for (JsonNode o : objects) {
      for (JsonNode found : o.findValues("storageUri")) {
        uris.add(found.asText());
      }
    }
    return uris;
  }

  static List<JsonNode> read(String yaml) throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    try (var values = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (values.hasNext()) {
        JsonNode node = (JsonNode) values.next();
        if (node != null && !node.isNull()) {
          assertThat(Set.of("apiVersion", "kind", "metadata", "spec"))
              .as("top-level fields")
              .containsAll(iterable(node.fieldNames()));
          objects.add(node);
        }
      }
    }
    return objects;
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }

  private static ObjectMapper strictMapper() {
    SimpleModule module = new SimpleModule("strict-fabric8");
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config,
              BeanDescription description,
              BeanDeserializerBuilder builder) {
            if (description
                .getBeanClass()
                .getName()
                .startsWith("io.fabric8.kubernetes.api.model")) {
              builder.setAnySetter(null);
              builder.setIgnoreUnknownProperties(false);
            }
            return builder;
          }
        });
    return new ObjectMapper()
        .registerModule(module)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
