/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.testing.DeploymentTools;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.testing.LoopbackRegistry;
import dev.finetune.trainer.oci.ModelLayer;
import dev.finetune.trainer.oci.OciFailure;
import dev.finetune.trainer.oci.OciReference;
import dev.finetune.trainer.publish.PublishRequest;
import dev.finetune.trainer.publish.Publisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish} against a real registry on loopback (Debian's docker-registry, see {@link
 * LoopbackRegistry}), read back with an independent client (Debian's skopeo) and unpacked with
 * {@code tar}.
 */
class PublishCommandFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Anyone may push: what the push sends, what comes back, resuming. */
  @RegisterExtension static final LoopbackRegistry REGISTRY = LoopbackRegistry.anonymous();

  /** htpasswd auth: credentials from a Docker config, never shown. */
  @RegisterExtension static final LoopbackRegistry AUTH = LoopbackRegistry.withAuth();

  @Test
  void aFullModelComesBackByteForByteAndAgainSendsNothing(@TempDir Path dir) throws Exception {
    Path model = Fixtures.model("tiny-gpt2");
    Path message = dir.resolve("termination-log");
    String to = "oci://" + REGISTRY.address() + "/models/tiny-gpt2:run-1";
    String[] args = {
      "publish",
      "--from",
      model.toString(),
      "--to",
      to,
      "--insecure",
      "--base-model",
      "hf://sshleifer/tiny-gpt2",
      "--base-model-revision",
      "5f91d94bd9cd7190a9f3216ff93cd1dd95f2c7be",
      "--job",
      "gpt2-run",
      "--train-loss",
      "2.25",
      "--eval-loss",
      "2.5",
      "--data-digest",
      "train.jsonl=sha256:" + "ab".repeat(32),
      "--source",
      "https://example.invalid/ml/jobs",
      "--revision",
      "abc123",
      "--annotation",
      "team=ml",
      "--termination-message-path",
      message.toString()
    };
    long mark = REGISTRY.mark();
    CliRun run = CliRun.of(args);
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(Files.size(message)).isLessThan(4096);
    assertThat(result.get("status").asText()).isEqualTo("Succeeded");
    JsonNode artifact = result.get("artifact");
    String digest = artifact.get("digest").asText();
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
    assertThat(artifact.get("reference").asText())
        .isEqualTo(REGISTRY.address() + "/models/tiny-gpt2@" + digest);
    assertThat(artifact.get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(result.get("tag").asText()).isEqualTo("run-1");
    List<Path> files = files(model);
    assertThat(result.get("files").asInt()).isEqualTo(files.size());
    assertThat(result.path("blobs").get("total").asInt()).isEqualTo(files.size() + 1);
    assertThat(result.path("blobs").get("sent").asInt()).isEqualTo(files.size() + 1);
    assertThat(run.out()).contains("reference: " + artifact.get("reference").asText());
    assertThat(REGISTRY.count(mark, "PUT", "/v2/models/tiny-gpt2/blobs/uploads/", 201))
        .as("uploads the registry completed")
        .isEqualTo(files.size() + 1);

    // An independent client copies the digest to an OCI layout.
    Path layout = dir.resolve("layout");
    DeploymentTools.Result copy =
        DeploymentTools.run(
            "skopeo",
            null,
            "--insecure-policy",
            "copy",
            "--preserve-digests",
            "--src-tls-verify=false",
            "docker://" + artifact.get("reference").asText(),
            "oci:" + layout + ":copied");
    assertThat(copy.exitCode()).as(copy.output()).isZero();
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(digest);
    byte[] manifestBytes = Files.readAllBytes(blob(layout, digest));
    assertThat(artifact.get("size").asLong()).isEqualTo(manifestBytes.length);
    JsonNode manifest = JSON.readTree(manifestBytes);
    assertThat(manifest.get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(manifest.at("/config/mediaType").asText())
        .isEqualTo("application/vnd.oci.image.config.v1+json");
    Map<String, String> annotations =
        JSON.convertValue(manifest.get("annotations"), new TreeMapType());
    assertThat(annotations)
        .containsEntry("dev.finetune.base-model", "hf://sshleifer/tiny-gpt2")
        .containsEntry(
            "dev.finetune.base-model-revision", "5f91d94bd9cd7190a9f3216ff93cd1dd95f2c7be")
        .containsEntry("dev.finetune.job", "gpt2-run")
        .containsEntry("dev.finetune.train-loss", "2.25")
        .containsEntry("dev.finetune.eval-loss", "2.5")
        .containsEntry("dev.finetune.data-digests", "train.jsonl=sha256:" + "ab".repeat(32))
        .containsEntry("dev.finetune.layout", "full")
        .containsEntry("org.opencontainers.image.source", "https://example.invalid/ml/jobs")
        .containsEntry("org.opencontainers.image.revision", "abc123")
        .containsEntry("org.opencontainers.image.title", "gpt2-run")
        .containsEntry(
            "org.opencontainers.image.description",
            "Fine-tuned from hf://sshleifer/tiny-gpt2 by FineTuneJob gpt2-run")
        .containsEntry("team", "ml")
        .containsKey("org.opencontainers.image.created");
    JsonNode config = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()).toFile());
    assertThat(JSON.convertValue(config.at("/config/Labels"), new TreeMapType()))
        .as("the config's labels repeat the annotations")
        .isEqualTo(annotations);
    assertThat(config.get("os").asText()).isEqualTo("linux");

    // One uncompressed tar layer per file, titled; unpacked, /models is the folder.
    List<String> titles = new ArrayList<>();
    Path root = dir.resolve("root");
    Files.createDirectories(root);
    for (JsonNode layer : manifest.get("layers")) {
      assertThat(layer.get("mediaType").asText())
          .isEqualTo("application/vnd.oci.image.layer.v1.tar");
      titles.add(layer.at("/annotations/org.opencontainers.image.title").asText());
      assertThat(config.at("/rootfs/diff_ids"))
          .anyMatch(id -> id.asText().equals(layer.get("digest").asText()));
      DeploymentTools.Result untar =
          DeploymentTools.exec(
              List.of(
                  "tar",
                  "-xf",
                  blob(layout, layer.get("digest").asText()).toString(),
                  "-C",
                  root.toString()),
              null);
      assertThat(untar.exitCode()).as(untar.output()).isZero();
    }
    assertThat(titles)
        .containsExactlyElementsOf(files.stream().map(p -> relative(model, p)).toList());
    assertSameFiles(model, root.resolve("models"));

    // The same folder again: every blob is there, nothing is sent, the digest is the same.
    long again = REGISTRY.mark();
    CliRun second = CliRun.of(args);
    assertThat(second.code()).as(second.out() + second.err()).isZero();
    JsonNode repeated = JSON.readTree(message.toFile());
    assertThat(repeated.at("/artifact/digest").asText()).isEqualTo(digest);
    assertThat(repeated.at("/blobs/sent").asInt()).isZero();
    assertThat(repeated.at("/blobs/skipped").asInt()).isEqualTo(files.size() + 1);
    assertThat(REGISTRY.count(again, "PUT", "/blobs/uploads/", 201)).isZero();
    assertThat(REGISTRY.count(again, "POST", "/blobs/uploads/", 202)).isZero();
  }

  @Test
  void aPushCutOffMidUploadResumesWithOnlyTheMissingBlobs(@TempDir Path dir) throws Exception {
    Path model = Fixtures.model("tiny-gpt2");
    OciReference to = OciReference.parse("oci://" + REGISTRY.address() + "/models/cut:v1");
    PublishRequest request = new PublishRequest(model, to, null, true, Map.of(), null);
    List<String> sent = new ArrayList<>();
    Thread[] restart = {null};
    Publisher.Listener cutter =
        new Publisher.Listener() {
          @Override
          public void blob(String name, ModelLayer.Blob blob, boolean wasSent) {
            if (wasSent) {
              sent.add(name);
            }
          }

          @Override
          public void uploading(String name, long bytes) {
            // The weights are the fourth file: kill the registry a megabyte into them and bring
            // it back a moment later (the client retries meanwhile; the restarted registry no
            // longer knows the upload in flight).
            if (name.equals("model.safetensors") && bytes > (1 << 20) && restart[0] == null) {
              REGISTRY.stop();
              restart[0] =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(500);
                          REGISTRY.start();
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                      });
              restart[0].start();
            }
          }
        };
    try {
      assertThatThrownBy(() -> new Publisher(cutter).publish(request, b -> {}))
          .isInstanceOf(OciFailure.class)
          .hasMessageContaining("cannot push blob")
          .hasMessageContaining(REGISTRY.address() + "/models/cut");
    } finally {
      if (restart[0] != null) {
        restart[0].join();
      }
      REGISTRY.start();
    }
    assertThat(restart[0]).as("the registry was cut off during the upload").isNotNull();
    assertThat(sent).containsExactly("README.md", "config.json", "generation_config.json");

    Path message = dir.resolve("termination-log");
    long mark = REGISTRY.mark();
    CliRun rerun =
        CliRun.of(
            "publish",
            "--from",
            model.toString(),
            "--to",
            to.toString(),
            "--insecure",
            "--termination-message-path",
            message.toString());
    assertThat(rerun.code()).as(rerun.out() + rerun.err()).isZero();
    JsonNode blobs = JSON.readTree(message.toFile()).get("blobs");
    int total = files(model).size() + 1;
    assertThat(blobs.get("skipped").asInt()).isEqualTo(3);
    assertThat(blobs.get("sent").asInt()).isEqualTo(total - 3);
    assertThat(REGISTRY.count(mark, "PUT", "/v2/models/cut/blobs/uploads/", 201))
        .as("uploads the registry completed on the rerun")
        .isEqualTo(total - 3);
    assertThat(REGISTRY.count(mark, "HEAD", "/v2/models/cut/blobs/sha256:", 200))
        .as("blobs found by HEAD")
        .isEqualTo(3);
    assertThat(rerun.out())
        .contains("skipped (the registry has it) config.json")
        .contains("sent model.safetensors");
  }

  @Test
  void anAdapterGoesUpWithTheSecretsCredentials(@TempDir Path dir) throws Exception {
    Path adapter = Fixtures.adapter("tiny-llama-lora");
    Path message = dir.resolve("termination-log");
    Path credentials = AUTH.credentials(dir, LoopbackRegistry.USER, AUTH.password());
    CliRun run =
        CliRun.of(
            "publish",
            "--from",
            adapter.toString(),
            "--to",
            "oci://" + AUTH.address() + "/adapters/tiny-llama-lora:v1",
            "--credentials",
            credentials.toString(),
            "--insecure",
            "--base-model",
            "hf://org/tiny-llama",
            "--termination-message-path",
            message.toString());
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    JsonNode result = JSON.readTree(message.toFile());
    String reference = result.at("/artifact/reference").asText();

    Path layout = dir.resolve("layout");
    DeploymentTools.Result copy =
        DeploymentTools.run(
            "skopeo",
            null,
            "--insecure-policy",
            "copy",
            "--preserve-digests",
            "--src-tls-verify=false",
            "--src-creds",
            LoopbackRegistry.USER + ":" + AUTH.password(),
            "docker://" + reference,
            "oci:" + layout + ":copied");
    assertThat(copy.exitCode()).as(copy.output().replace(AUTH.password(), "<pw>")).isZero();
    JsonNode manifest =
        JSON.readTree(blob(layout, result.at("/artifact/digest").asText()).toFile());
    assertThat(manifest.at("/annotations/dev.finetune.layout").asText()).isEqualTo("lora");
    assertThat(manifest.at("/annotations/org.opencontainers.image.description").asText())
        .isEqualTo("LoRA adapter for hf://org/tiny-llama");
    Path root = dir.resolve("root");
    Files.createDirectories(root);
    for (JsonNode layer : manifest.get("layers")) {
      DeploymentTools.exec(
          List.of(
              "tar",
              "-xf",
              blob(layout, layer.get("digest").asText()).toString(),
              "-C",
              root.toString()),
          null);
    }
    assertSameFiles(adapter, root.resolve("models"));
    assertThat(run.out() + run.err() + Files.readString(message)).doesNotContain(AUTH.password());
  }

  @Test
  void wrongCredentialsFailWithTheRegistrysReasonAndNoSecret(@TempDir Path dir) throws Exception {
    String wrong = "wrong-" + AUTH.password().substring(3, 15);
    Path credentials = AUTH.credentials(dir, LoopbackRegistry.USER, wrong);
    Path message = dir.resolve("termination-log");
    CliRun run =
        CliRun.of(
            "publish",
            "--from",
            Fixtures.adapter("tiny-llama-lora").toString(),
            "--to",
            "oci://" + AUTH.address() + "/adapters/refused:v1",
            "--credentials",
            credentials.toString(),
            "--insecure",
            "--termination-message-path",
            message.toString());
    assertThat(run.code()).isEqualTo(TrainerExitCodes.PUBLISH_FAILED).isEqualTo(76);
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(result.get("status").asText()).isEqualTo("Failed");
    assertThat(result.get("reason").asText()).isEqualTo("PublishFailed");
    assertThat(result.get("error").asText())
        .contains("the registry refused the credentials")
        .contains("401 Unauthorized")
        .contains("Basic realm=\"loopback\"");
    assertThat(result.has("artifact")).isFalse();
    String everything = run.out() + run.err() + Files.readString(message);
    assertThat(everything).contains("401 Unauthorized");
    for (String secret : List.of(wrong, AUTH.password())) {
      assertThat(everything).doesNotContain(secret);
    }
    assertThat(AUTH.count(0, "PUT", "/v2/adapters/refused/", 201)).isZero();

    // Anonymous: refused as well, saying no credentials were given.
    CliRun anonymous =
        CliRun.of(
            "publish",
            "--from",
            Fixtures.adapter("tiny-llama-lora").toString(),
            "--to",
            "oci://" + AUTH.address() + "/adapters/refused:v1",
            "--insecure",
            "--termination-message-path",
            message.toString());
    assertThat(anonymous.code()).isEqualTo(76);
    assertThat(JSON.readTree(message.toFile()).get("error").asText())
        .contains("refused anonymous access (no credentials given)");
  }

  @Test
  void aCredentialsFileWithoutTheRegistryIsAConfigurationError(@TempDir Path dir) throws Exception {
    Path credentials = dir.resolve("other.json");
    Files.writeString(
        credentials, "{\"auths\": {\"registry.example.invalid\": {\"auth\": \"dTpw\"}}}");
    Path message = dir.resolve("termination-log");
    CliRun run =
        CliRun.of(
            "publish",
            "--from",
            Fixtures.adapter("tiny-llama-lora").toString(),
            "--to",
            "oci://" + AUTH.address() + "/adapters/x",
            "--credentials",
            credentials.toString(),
            "--termination-message-path",
            message.toString());
    assertThat(run.code()).isEqualTo(TrainerExitCodes.CONFIG_ERROR);
    JsonNode result = JSON.readTree(message.toFile());
    assertThat(result.get("reason").asText()).isEqualTo("ConfigError");
    assertThat(result.get("error").asText())
        .contains("no entry for " + AUTH.address())
        .contains("registry.example.invalid")
        .doesNotContain("dTpw");
  }

  @Test
  void refusesWhatIsNotAModelOrAReference(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "x");
    CliRun notAModel =
        CliRun.of("publish", "--from", dir.toString(), "--to", "oci://127.0.0.1:1/a/b:c");
    assertThat(notAModel.code()).isEqualTo(TrainerExitCodes.CONFIG_ERROR);
    assertThat(notAModel.err()).contains("neither config.json").contains("adapter_config.json");
    for (String bad :
        List.of("oci://Registry/UPPER:tag", "docker://r/x", "oci://r/x@sha256:abc", "oci://r")) {
      CliRun run = CliRun.of("publish", "--from", dir.toString(), "--to", bad);
      assertThat(run.code()).as(bad).isEqualTo(TrainerExitCodes.CONFIG_ERROR);
      assertThat(run.err()).as(bad).contains(bad);
    }
  }

  private static void assertSameFiles(Path expected, Path actual) throws IOException {
    List<Path> want = files(expected);
    assertThat(files(actual).stream().map(p -> relative(actual, p)).toList())
        .containsExactlyElementsOf(want.stream().map(p -> relative(expected, p)).toList());
    for (Path file : want) {
      Path copy = actual.resolve(relative(expected, file));
      assertThat(Files.mismatch(file, copy)).as(copy.toString()).isEqualTo(-1L);
    }
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .sorted((a, b) -> relative(folder, a).compareTo(relative(folder, b)))
          .toList();
    }
  }

  private static String relative(Path folder, Path file) {
    return folder.relativize(file).toString();
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
  }

  private static final class TreeMapType
      extends com.fasterxml.jackson.core.type.TypeReference<TreeMap<String, String>> {}
}
