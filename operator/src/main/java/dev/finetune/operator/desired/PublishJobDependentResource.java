/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.v1alpha1.DatasetStatus;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobSpec;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.PublishSpec;
import dev.finetune.api.v1alpha1.ResultStatus;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The publish step's Job: the trainer image's {@code publish} command on a CPU node, after the
 * trainer Job succeeded (its GPU released). It reads the output folder from the volume and pushes
 * it to spec.output.publish.to. Its arguments carry the provenance the manifest's annotations
 * record — the base model and its pinned revision, the data files' digests, the final losses — read
 * from the status the earlier steps wrote; the Job is created once, so they are those of this run.
 * The registry credentials are a mounted file, never an environment variable or an argument.
 */
public class PublishJobDependentResource extends StepJobDependentResource {
  public static final String COMPONENT = "publish";
  public static final String CONTAINER = "publish";

  public PublishJobDependentResource(OperatorConfig config) {
    super(COMPONENT, config);
  }

  @Override
  public StepProfile profile(FineTuneJob job) {
    return publish(job, config());
  }

  /** Pure: the publish Job for {@code job} (which has spec.output.publish). */
  public static Job desired(FineTuneJob job, OperatorConfig config) {
    return StepJob.desired(job, config, publish(job, config));
  }

  static StepProfile publish(FineTuneJob job, OperatorConfig config) {
    TrainerVolumes volumes = TrainerVolumes.plan(job);
    return new StepProfile(
        COMPONENT,
        ChildNames.publishJob(job),
        CONTAINER,
        "publish",
        args(job),
        PrepareJobDependentResource.cpuStepResources(config),
        StepProfile.Placement.ANY_NODE,
        Optional.empty(),
        30L,
        Optional.empty(),
        TrainerExit.permanentCodes(),
        volumes.registryCredentials(),
        List.of());
  }

  /** The {@code publish} command's arguments for {@code job}. */
  static List<String> args(FineTuneJob job) {
    FineTuneJobSpec spec = job.getSpec();
    PublishSpec publish =
        SpecDefaults.publish(spec)
            .orElseThrow(() -> new IllegalArgumentException("spec.output.publish is not set"));
    String name = job.getMetadata().getName();
    List<String> args = new ArrayList<>();
    add(
        args,
        "--from",
        TrainerVolumes.plan(job).outputDir() + "/" + SpecDefaults.publishWhat(publish).folder());
    add(args, "--to", SpecDefaults.publishTarget(publish, name));
    if (Boolean.TRUE.equals(publish.getInsecure())) {
      args.add("--insecure");
    }
    if (publish.getCredentialsSecretRef() != null) {
      add(args, "--credentials", TrainerVolumes.registryCredentialsFile());
    }
    add(args, "--termination-message-path", StepJob.TERMINATION_MESSAGE_PATH);
    add(args, "--job", name);
    add(args, "--base-model", spec.getModel().getSource());
    FineTuneJobStatus status =
        Optional.ofNullable(job.getStatus()).orElseGet(FineTuneJobStatus::new);
    if (status.getModel() != null) {
      add(args, "--base-model-revision", status.getModel().getRevision());
    }
    ResultStatus result = status.getResult();
    if (result != null) {
      add(args, "--train-loss", number(result.getTrainLoss()));
      add(args, "--eval-loss", number(result.getEvalLoss()));
    }
    List<DatasetStatus.DataFileStatus> files =
        status.getDataset() == null ? null : status.getDataset().getFiles();
    for (DatasetStatus.DataFileStatus file : Optional.ofNullable(files).orElse(List.of())) {
      // publish's FILE=sha256:HEX cannot carry '=' or ',' in FILE (an https:// query string).
      if (file.getSource() != null
          && file.getSha256() != null
          && !file.getSource().matches(".*[=,].*")) {
        add(args, "--data-digest", file.getSource() + "=sha256:" + file.getSha256());
      }
    }
    return args;
  }

  private static void add(List<String> args, String flag, String value) {
    if (value != null && !value.isEmpty()) {
      args.add(flag);
      args.add(value);
    }
  }

  private static String number(Double value) {
    return value == null ? null : String.format(Locale.ROOT, "%s", value);
  }
}
