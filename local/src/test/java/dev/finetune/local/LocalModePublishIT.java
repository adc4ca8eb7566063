/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.DeploymentTools;
import dev.finetune.api.testing.LoopbackRegistry;
import dev.finetune.api.v1alpha1.ArtifactStatus;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.local.kubelet.LocalKubelet;
import dev.finetune.local.testing.FineTuneJobStatusAssert;
import dev.finetune.local.testing.TrainerJar;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing end to end in local mode, against real OCI registries on loopback (Debian's
 * docker-registry, with and without htpasswd auth): the trained model leaves as an OCI image whose
 * digest is in status.result.artifact, an independent client (skopeo) reads back the same bytes as
 * final/, wrong credentials end in PublishFailed until the Secret is fixed (no new training), and
 * the published digest is a model source again.
 */
class LocalModePublishIT {
  private static final String NS = "default";
  private static final Path EXAMPLES = Path.of("..", "deploy", "examples").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final LoopbackRegistry OPEN = LoopbackRegistry.anonymous();
  @RegisterExtension static final LoopbackRegistry AUTH = LoopbackRegistry.withAuth();

  @TempDir Path root;
  private LocalCluster cluster;
  private KubernetesClient client;
  private FineTuneOperator operator;
  private LocalKubelet kubelet;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(0);
    client = cluster.client();
    operator =
        new FineTuneOperator(
                client,
                OperatorConfig.embedded(
                        Set.of(), Duration.ofMillis(300), Duration.ofMillis(200), "local")
                    .withPublishRetryBackoff(Duration.ofSeconds(2)),
                Clock.systemUTC(),
                false)
            .start();
    kubelet =
        new LocalKubelet(
                client,
                root.resolve("work"),
                Map.of("examples", EXAMPLES.normalize()),
                TrainerJar.command())
            .start();
  }

  @AfterEach
  void stop() {
    kubelet.close();
    operator.close();
    cluster.close();
  }

  /** local-first-run.yaml, 4 steps, 10% held out, with {@code publish} under spec.output. */
  private static String job(String name, String model, String publish) throws IOException {
    return Files.readString(EXAMPLES.resolve("local-first-run.yaml"))
            .replace("name: first-run", "name: " + name)
            .replace("preset://tiny-gpt2-bytes", model)
            .replace("maxLength: 48", "maxLength: 48\n    validationSplit: 0.1")
            .replace("maxSteps: 60", "maxSteps: 4, evalEverySteps: 4")
            .replace("everySteps: 20", "everySteps: 4")
        + "  output:\n    publish: "
        + publish
        + "\n";
  }

  /**
   * With htpasswd auth: the push authenticates with the Secret, the job ends Succeeded with the
   * artifact, skopeo copies the digest to an OCI layout and its /models files are final/ byte for
   * byte, with the annotations naming the job, the base model and the losses.
   */
  @Test
  void aPublishedModelComesBackFromTheRegistryByteForByte() throws Exception {
    secret("registry-push", LoopbackRegistry.USER, AUTH.password());
    create(
        job(
            "pub-auth",
            "preset://tiny-gpt2-bytes",
            "{to: oci://"
                + AUTH.address()
                + "/models/arithmetic, insecure: true, credentialsSecretRef: {name:"
                + " registry-push}}"));
    FineTuneJobStatus done = awaitFinal("pub-auth");

    FineTuneJobStatusAssert.assertThatStatus(done)
        .hasPhase(Phase.Succeeded)
        .hasCondition("Succeeded", "True", "Published")
        .hasCondition("Published", "True", "Published");
    ArtifactStatus artifact = done.getResult().getArtifact();
    assertThat(artifact.getDigest()).matches("sha256:[0-9a-f]{64}");
    assertThat(artifact.getReference())
        .isEqualTo(AUTH.address() + "/models/arithmetic@" + artifact.getDigest());
    assertThat(artifact.getTag()).isEqualTo(AUTH.address() + "/models/arithmetic:pub-auth");
    assertThat(artifact.getMediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(events("pub-auth"))
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("Published");
              assertThat(e.getMessage()).contains(artifact.getReference());
            });

    Path layout = root.resolve("layout");
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
            "docker://" + artifact.getReference(),
            "oci:" + layout + ":copied");
    assertThat(copy.exitCode()).as(copy.output().replace(AUTH.password(), "<pw>")).isZero();
    JsonNode manifest = JSON.readTree(blob(layout, artifact.getDigest()).toFile());
    assertThat(Files.size(blob(layout, artifact.getDigest()))).isEqualTo(artifact.getSize());
    JsonNode annotations = manifest.get("annotations");
    assertThat(annotations.get("dev.finetune.job").asText()).isEqualTo("pub-auth");
    assertThat(annotations.get("dev.finetune.base-model").asText())
        .isEqualTo("preset://tiny-gpt2-bytes");
    assertThat(annotations.get("dev.finetune.layout").asText()).isEqualTo("full");
    assertThat(annotations.get("dev.finetune.train-loss").asDouble())
        .isEqualTo(done.getResult().getTrainLoss());
    assertThat(annotations.get("dev.finetune.eval-loss").asDouble())
        .isEqualTo(done.getResult().getEvalLoss());
    // The data file and its digest. (In local mode status.dataset names the file by its folder on
    // this machine, which the local kubelet maps again when it lies under a pod's mount path such
    // as /tmp; on a cluster it is the pvc:// source.)
    assertThat(annotations.get("dev.finetune.data-digests").asText())
        .endsWith(
            "data/arithmetic.jsonl=sha256:" + done.getDataset().getFiles().get(0).getSha256());
    Path unpacked = Files.createDirectories(root.resolve("unpacked"));
    for (JsonNode layer : manifest.get("layers")) {
      DeploymentTools.Result untar =
          DeploymentTools.exec(
              List.of(
                  "tar",
                  "-xf",
                  blob(layout, layer.get("digest").asText()).toString(),
                  "-C",
                  unpacked.toString()),
              null);
      assertThat(untar.exitCode()).as(untar.output()).isZero();
    }
    assertSameFiles(Path.of(done.getResult().getLocation()), unpacked.resolve("models"));
  }

  /**
   * A wrong password: PublishFailed with the registry's reason and the Secret named (never its
   * content), the model still on the volume, the GPU step not run again; once the Secret is fixed
   * the next push succeeds.
   */
  @Test
  void wrongCredentialsFailThePushUntilTheSecretIsFixedWithoutTrainingAgain() throws Exception {
    String wrong = "not-the-password-" + System.nanoTime();
    secret("registry-push", LoopbackRegistry.USER, wrong);
    create(
        job(
            "pub-wrong",
            "preset://tiny-gpt2-bytes",
            "{to: oci://"
                + AUTH.address()
                + "/models/wrong:v1, insecure: true, credentialsSecretRef: {name:"
                + " registry-push}}"));
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> status("pub-wrong") != null && failedPush(status("pub-wrong")));
    FineTuneJobStatus failed = status("pub-wrong");
    assertThat(failed.getPhase()).isEqualTo(Phase.Publishing);
    FineTuneJobStatusAssert.assertThatStatus(failed)
        .hasCondition("Published", "False", "PublishFailed");
    assertThat(failed.getMessage())
        .contains("the push failed")
        .containsIgnoringCase("unauthorized")
        .contains("Secret registry-push")
        .contains("the trained model stays at");
    Path model = Path.of(failed.getResult().getLocation());
    assertThat(model.resolve("config.json")).exists();
    String trainerUid = trainerJobUid("pub-wrong");

    secret("registry-push", LoopbackRegistry.USER, AUTH.password());
    FineTuneJobStatus done = awaitFinal("pub-wrong");

    FineTuneJobStatusAssert.assertThatStatus(done)
        .hasPhase(Phase.Succeeded)
        .hasCondition("Published", "True", "Published");
    assertThat(done.getResult().getArtifact().getTag())
        .isEqualTo(AUTH.address() + "/models/wrong:v1");
    assertThat(trainerJobUid("pub-wrong"))
        .as("the trainer Job was not re-created")
        .isEqualTo(trainerUid);
    assertThat(pods("pub-wrong", "trainer")).as("one trainer pod ran").hasSize(1);
    assertThat(done.getSteps())
        .filteredOn(s -> "publish".equals(s.getName()))
        .singleElement()
        .satisfies(s -> assertThat(s.getFailures()).isGreaterThanOrEqualTo(1));
    assertThat(events("pub-wrong"))
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("PublishFailed");
              assertThat(e.getType()).isEqualTo("Warning");
            });

    // Neither password is in the status, the Events, the pods' specs or any pod's log.
    String everything =
        new KubernetesSerialization().asYaml(done)
            + events("pub-wrong")
            + new KubernetesSerialization().asYaml(pods("pub-wrong", "publish"))
            + logs();
    assertThat(everything).doesNotContain(wrong).doesNotContain(AUTH.password());
  }

  /**
   * The published digest as spec.model.source: the prepare step pulls it and pins the digest, and
   * the job trains from it (fine-tune the last release, no volume in between).
   */
  @Test
  void aPublishedDigestIsAModelSourceAgain() throws Exception {
    create(
        job(
            "pub-open",
            "preset://tiny-gpt2-bytes",
            "{to: oci://" + OPEN.address() + "/models/base, insecure: true}"));
    FineTuneJobStatus published = awaitFinal("pub-open");
    assertThat(published.getPhase()).as(published.getMessage()).isEqualTo(Phase.Succeeded);
    String reference = published.getResult().getArtifact().getReference();

    create(
        job(
            "from-oci",
            "oci://" + reference,
            "{to: oci://" + OPEN.address() + "/models/second, insecure: true}"));
    FineTuneJobStatus done = awaitFinal("from-oci");

    FineTuneJobStatusAssert.assertThatStatus(done)
        .hasPhase(Phase.Succeeded)
        .hasCondition("Published", "True", "Published");
    assertThat(done.getModel().getRevision())
        .isEqualTo(published.getResult().getArtifact().getDigest());
    assertThat(done.getModel().getArchitecture()).isEqualTo("gpt2");
    assertThat(done.getResult().getArtifact().getDigest())
        .isNotEqualTo(published.getResult().getArtifact().getDigest());
  }

  // --- helpers -------------------------------------------------------------------------------

  private static boolean failedPush(FineTuneJobStatus status) {
    return FineTuneJobStatusAssert.condition(status, "Published")
        .map(c -> "PublishFailed".equals(c.getReason()))
        .orElse(false);
  }

  /** A kubernetes.io/dockerconfigjson Secret for the auth registry (created or replaced). */
  private void secret(String name, String user, String password) throws IOException {
    String config =
        Files.readString(
            AUTH.credentials(Files.createDirectories(root.resolve("creds")), user, password));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .addToData(
                ".dockerconfigjson",
                Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))
            .build();
    client.secrets().inNamespace(NS).resource(secret).createOr(r -> r.update());
  }

  private void create(String yaml) {
    FineTuneJob job = new KubernetesSerialization().unmarshal(yaml, FineTuneJob.class);
    client.resources(FineTuneJob.class).inNamespace(NS).resource(job).create();
  }

  private FineTuneJobStatus status(String name) {
    FineTuneJob job = client.resources(FineTuneJob.class).inNamespace(NS).withName(name).get();
    return job == null ? null : job.getStatus();
  }

  private FineTuneJobStatus awaitFinal(String name) {
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                status(name) != null
                    && status(name).getPhase() != null
                    && status(name).getPhase().isFinal());
    return status(name);
  }

  private String trainerJobUid(String name) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(name + "-trainer")
        .get()
        .getMetadata()
        .getUid();
  }

  private List<Pod> pods(String name, String component) {
    return client.pods().inNamespace(NS).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(name + "-" + component))
        .toList();
  }

  private List<Event> events(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** Every pod log the local kubelet wrote. */
  private String logs() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(root.resolve("work"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
  }

  private static void assertSameFiles(Path expected, Path actual) throws IOException {
    List<String> want = relativeFiles(expected);
    assertThat(relativeFiles(actual)).containsExactlyElementsOf(want);
    for (String file : want) {
      assertThat(Files.mismatch(expected.resolve(file), actual.resolve(file)))
          .as(file)
          .isEqualTo(-1L);
    }
  }

  private static List<String> relativeFiles(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> folder.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
