/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.DataSource;
import dev.finetune.api.v1alpha1.EvaluationSpec;
import dev.finetune.api.v1alpha1.EvaluationTask;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.ModelSpec;
import dev.finetune.api.v1alpha1.PublishSpec;
import dev.finetune.api.v1alpha1.Sources;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where things are inside the trainer pod: which claims are mounted where, and the local path of
 * every {@code pvc://} location. The ConfigMap (paths) and the Job (volumes) both read this plan,
 * so they cannot disagree.
 */
public final class TrainerVolumes {
  public static final String CONFIG_DIR = "/etc/finetune";
  public static final String CONFIG_FILE = "trainer-config.json";
  public static final String WORKSPACE = "/workspace";
  public static final String CLAIMS_ROOT = "/mnt/pvc";
  public static final String TOKEN_DIR = "/var/run/secrets/finetune/hub-token";
  public static final String TOKEN_FILE = "token";
  public static final String REGISTRY_DIR = "/var/run/secrets/finetune/registry";
  public static final String MODEL_REGISTRY_DIR = "/var/run/secrets/finetune/model-registry";

  /** The variable the trainer (like skopeo and podman) reads a Docker config's path from. */
  public static final String REGISTRY_AUTH_FILE = "REGISTRY_AUTH_FILE";

  /** host[:port],… the trainer reaches over plain HTTP. */
  public static final String INSECURE_REGISTRIES = "FINETUNE_INSECURE_REGISTRIES";

  /** A claim other than the workspace, mounted at {@code mountPath}. */
  public record ClaimMount(String volumeName, String claim, String mountPath, boolean readOnly) {}

  private final String workspaceClaim;
  private final Map<String, ClaimMount> claimMounts;
  private final FineTuneJobSpec spec;

  private TrainerVolumes(
      String workspaceClaim, Map<String, ClaimMount> claimMounts, FineTuneJobSpec spec) {
    this.workspaceClaim = workspaceClaim;
    this.claimMounts = claimMounts;
    this.spec = spec;
  }

  public static TrainerVolumes plan(FineTuneJob job) {
    FineTuneJobSpec spec = job.getSpec();
    String workspace =
        SpecDefaults.existingClaim(spec).orElseGet(() -> ChildNames.workspaceClaim(job));
    String output = spec.getOutput() == null ? null : spec.getOutput().getSource();
    Map<String, ClaimMount> mounts = new LinkedHashMap<>();
    // Output first: a claim that is both read and written is mounted read-write.
    Stream.concat(Stream.of(output), inputs(spec).stream())
        .map(TrainerVolumes::claimOf)
        .flatMap(Optional::stream)
        .filter(claim -> !claim.equals(workspace))
        .distinct()
        .forEach(
            claim ->
                mounts.put(
                    claim,
                    new ClaimMount(
                        "claim-" + mounts.size(),
                        claim,
                        CLAIMS_ROOT + "/" + claim,
                        !claim.equals(claimOf(output).orElse(null)))));
    return new TrainerVolumes(workspace, mounts, spec);
  }

  /** The claim for checkpoints, cache and (by default) output. */
  public String workspaceClaim() {
    return workspaceClaim;
  }

  public List<ClaimMount> claimMounts() {
    return List.copyOf(claimMounts.values());
  }

  public String checkpointDir() {
    return WORKSPACE + "/checkpoints";
  }

  /** Hugging Face downloads live on the workspace so a restarted pod does not fetch again. */
  public String cacheDir() {
    return WORKSPACE + "/cache";
  }

  public String outputDir() {
    return Optional.ofNullable(spec.getOutput())
        .map(o -> o.getSource())
        .map(this::localPath)
        .orElse(WORKSPACE + "/output");
  }

  public String tokenFile() {
    return TOKEN_DIR + "/" + TOKEN_FILE;
  }

  /** The Hub token's key, mounted as {@link #tokenFile()} where the model is downloaded. */
  public List<StepProfile.SecretMount> hubToken() {
    var token = spec.getModel().getTokenSecretRef();
    return token == null
        ? List.of()
        : List.of(
            new StepProfile.SecretMount(
                "hub-token", token.getName(), token.getKey(), TOKEN_DIR, TOKEN_FILE, false));
  }

  /**
   * What the pods that pull the model (prepare, and the trainer should its cache be gone) need for
   * an {@code oci://} source: the pull credentials' Secret as files and its path, and whether the
   * registry is reached over plain HTTP.
   */
  public ModelRegistryAccess modelRegistry() {
    ModelSpec model = spec.getModel();
    String source = model.getSource();
    if (source == null || !source.startsWith(Sources.OCI_SCHEME)) {
      return new ModelRegistryAccess(List.of(), List.of());
    }
    List<StepProfile.SecretMount> secrets = new ArrayList<>();
    List<EnvVar> env = new ArrayList<>();
    if (model.getCredentialsSecretRef() != null) {
      secrets.add(
          new StepProfile.SecretMount(
              "model-registry-credentials",
              model.getCredentialsSecretRef().getName(),
              null,
              MODEL_REGISTRY_DIR,
              null,
              true));
      env.add(
          new EnvVar(
              REGISTRY_AUTH_FILE, MODEL_REGISTRY_DIR + "/" + PublishSpec.DOCKER_CONFIG_KEY, null));
    }
    if (Boolean.TRUE.equals(model.getInsecure())) {
      String rest = source.substring(Sources.OCI_SCHEME.length());
      env.add(new EnvVar(INSECURE_REGISTRIES, rest.substring(0, rest.indexOf('/')), null));
    }
    return new ModelRegistryAccess(secrets, env);
  }

  /** The Secrets and environment a pod that pulls an {@code oci://} model gets. */
  public record ModelRegistryAccess(List<StepProfile.SecretMount> secrets, List<EnvVar> env) {}

  /**
   * The publish credentials: the whole {@code kubernetes.io/dockerconfigjson} Secret, so its {@code
   * .dockerconfigjson} is a file in {@link #REGISTRY_DIR}. Optional, so that a missing Secret fails
   * the push with its name instead of leaving the pod waiting for a mount.
   */
  public List<StepProfile.SecretMount> registryCredentials() {
    return SpecDefaults.publish(spec)
        .map(PublishSpec::getCredentialsSecretRef)
        .map(
            ref ->
                List.of(
                    new StepProfile.SecretMount(
                        "registry-credentials", ref.getName(), null, REGISTRY_DIR, null, true)))
        .orElse(List.of());
  }

  /** Where the publish pod reads the registry credentials. */
  public static String registryCredentialsFile() {
    return REGISTRY_DIR + "/" + PublishSpec.DOCKER_CONFIG_KEY;
  }

  /**
   * Every claim's mount path with the {@code pvc://} location it stands for (the workspace first):
   * what the trainer needs to name files as the user wrote them.
   */
  public List<TrainerConfig.Volume> sources() {
    List<TrainerConfig.Volume> sources = new ArrayList<>();
    sources.add(new TrainerConfig.Volume(WORKSPACE, Sources.PVC_SCHEME + workspaceClaim));
    claimMounts
        .values()
        .forEach(
            m ->
                sources.add(
                    new TrainerConfig.Volume(m.mountPath(), Sources.PVC_SCHEME + m.claim())));
    return sources;
  }

  /**
   * The inverse of {@link #localPath}: a path inside the trainer pod as the {@code pvc://} source a
   * user can find it at ({@code /workspace/output/final} → {@code pvc://<workspace
   * claim>/output/final}); a path on no mounted claim is returned as it is.
   */
  public String sourceOf(String path) {
    if (path == null) {
      return null;
    }
    if (path.equals(WORKSPACE) || path.startsWith(WORKSPACE + "/")) {
      return Sources.PVC_SCHEME + workspaceClaim + path.substring(WORKSPACE.length());
    }
    for (ClaimMount mount : claimMounts.values()) {
      String root = mount.mountPath();
      if (path.equals(root) || path.startsWith(root + "/")) {
        return Sources.PVC_SCHEME + mount.claim() + path.substring(root.length());
      }
    }
    return path;
  }

  /** The path inside the pod of a pvc:// location; other locations are returned unchanged. */
  public String localPath(String source) {
    Optional<String> claim = claimOf(source);
    if (claim.isEmpty()) {
      return source;
    }
    String root = claim.get().equals(workspaceClaim) ? WORKSPACE : CLAIMS_ROOT + "/" + claim.get();
    String rest = source.substring(Sources.PVC_SCHEME.length() + claim.get().length());
    return rest.isEmpty() || rest.equals("/") ? root : root + rest;
  }

  /**
   * Every location the pods read: the model, the data and the evaluation tasks' files (the claims
   * they name are mounted read-only in the prepare and the trainer pod alike).
   */
  private static List<String> inputs(FineTuneJobSpec spec) {
    Stream<String> tasks =
        Optional.ofNullable(spec.getEvaluation())
            .map(EvaluationSpec::getTasks)
            .orElse(List.of())
            .stream()
            .filter(t -> t != null)
            .map(EvaluationTask::getSource);
    return Stream.concat(
            Stream.of(
                spec.getModel().getSource(),
                Optional.ofNullable(spec.getDataset().getTrain())
                    .map(DataSource::getSource)
                    .orElse(null),
                Optional.ofNullable(spec.getDataset().getValidation())
                    .map(DataSource::getSource)
                    .orElse(null)),
            tasks)
        .filter(s -> s != null)
        .toList();
  }

  static Optional<String> claimOf(String source) {
    if (source == null || !source.startsWith(Sources.PVC_SCHEME)) {
      return Optional.empty();
    }
    String rest = source.substring(Sources.PVC_SCHEME.length());
    int slash = rest.indexOf('/');
    return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
  }
}
