/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.protocol.PublishResult;
import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.oci.OciFailure;
import dev.finetune.trainer.oci.OciReference;
import dev.finetune.trainer.publish.PublishRequest;
import dev.finetune.trainer.publish.Publisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code publish}: pushes a trained model folder to an OCI registry (the operator's publish Job
 * runs it on a CPU node after training). The result (reference, digest, size, media type, blobs
 * sent and skipped; or the reason) goes to the termination message and stdout.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Pushes a model folder (final/ or merged/ of a run: a full model or a PEFT adapter) to an",
      "OCI registry as an image: one uncompressed tar layer per file, unpacking to /models/<file>",
      "(Kubernetes image volumes, KServe's native OCI mode), an OCI image manifest with annotations.",
      "Blobs the registry has are not sent again. Prints the reference and digest.",
      "Exit 0, 76 (the registry refused the push or could not be reached), 78 (configuration)."
    })
final class PublishCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--from", required = true, description = "The model folder to push.")
  Path from;

  @Option(
      names = "--to",
      required = true,
      description = "oci://registry[:port]/repository[:tag] (tag default: latest).")
  String to;

  @Option(
      names = "--credentials",
      description =
          "A Docker config file (a kubernetes.io/dockerconfigjson Secret's .dockerconfigjson):"
              + " {\"auths\": {\"registry[:port]\": {\"auth\": base64(user:password)}}} or"
              + " username/password. Anonymous without it.")
  Path credentials;

  @Option(
      names = "--insecure",
      description = "Allow plain HTTP and unverified HTTPS (an in-cluster or loopback registry).")
  boolean insecure;

  @Option(
      names = "--annotation",
      description = "key=value for the manifest (repeatable); overrides a computed one.")
  List<String> annotations = new ArrayList<>();

  @Option(names = "--base-model", description = "The source model (dev.finetune.base-model).")
  String baseModel;

  @Option(
      names = "--base-model-revision",
      description = "Its pinned revision (dev.finetune.base-model-revision).")
  String baseModelRevision;

  @Option(names = "--job", description = "The FineTuneJob's name (dev.finetune.job).")
  String job;

  @Option(names = "--train-loss", description = "The final training loss.")
  Double trainLoss;

  @Option(names = "--eval-loss", description = "The final evaluation loss.")
  Double evalLoss;

  @Option(
      names = "--data-digest",
      description = "FILE=sha256:HEX of a data file (repeatable; dev.finetune.data-digests).")
  List<String> dataDigests = new ArrayList<>();

  @Option(
      names = "--source",
      description = "org.opencontainers.image.source (e.g. the repository of the job's spec).")
  String source;

  @Option(names = "--revision", description = "org.opencontainers.image.revision.")
  String revision;

  @Option(names = "--title", description = "org.opencontainers.image.title (default: the job).")
  String title;

  @Option(names = "--description", description = "org.opencontainers.image.description.")
  String description;

  @Option(
      names = "--created",
      description =
          "org.opencontainers.image.created, RFC 3339 (default: the newest file's time, so an"
              + " unchanged folder gets the same digest).")
  String created;

  @Option(names = "--report", description = "Also write the result JSON here.")
  Path report;

  @Option(
      names = "--termination-message-path",
      description = "Where the result JSON goes (the pod's termination message).")
  Path terminationMessagePath;

  @Override
  public Integer call() {
    // Apache HttpClient (under jib) logs headers, Authorization included, at debug: never.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.http", "warn");
    PublishResult.Blobs[] progress = {null};
    PublishResult result;
    try {
      PublishRequest request = request();
      result = new Publisher().publish(request, b -> progress[0] = b);
    } catch (OciFailure e) {
      fail(TrainerExit.PUBLISH_FAILED.reason().orElseThrow(), e.getMessage(), progress[0]);
      throw new TrainerException(e.getMessage(), TrainerExitCodes.PUBLISH_FAILED);
    } catch (TrainerException e) {
      String reason =
          TrainerExit.of(e.exitCode())
              .flatMap(TrainerExit::reason)
              .orElse(PrepareResult.CONFIG_ERROR);
      fail(reason, e.getMessage(), progress[0]);
      throw e;
    }
    write(result);
    PublishResult.Artifact a = result.artifact();
    PublishResult.Blobs b = result.blobs();
    System.out.printf(
        Locale.ROOT,
        "published %s: %d blobs sent (%.1f MiB), %d already in the registry%n"
            + "reference: %s%ndigest: %s%nsize: %d%nmediaType: %s%n",
        to,
        b.sent(),
        b.bytesSent() / 1048576.0,
        b.skipped(),
        a.reference(),
        a.digest(),
        a.size(),
        a.mediaType());
    return 0;
  }

  PublishRequest request() {
    OciReference target = OciReference.parse(to);
    if (target.digest() != null) {
      throw TrainerException.config(to + ": publish pushes to a tag, not a digest");
    }
    if (target.tag() == null) {
      target = target.withTag("latest");
    }
    Map<String, String> values = new LinkedHashMap<>();
    put(values, Publisher.BASE_MODEL, baseModel);
    put(values, Publisher.BASE_MODEL_REVISION, baseModelRevision);
    put(values, Publisher.JOB, job);
    put(values, Publisher.TRAIN_LOSS, trainLoss == null ? null : trainLoss.toString());
    put(values, Publisher.EVAL_LOSS, evalLoss == null ? null : evalLoss.toString());
    for (String digest : dataDigests) {
      if (!digest.matches("[^=,]+=sha256:[0-9a-f]{64}")) {
        throw TrainerException.config(
            "--data-digest " + digest + ": expected FILE=sha256:<64 hex>");
      }
    }
    put(
        values,
        Publisher.DATA_DIGESTS,
        dataDigests.isEmpty() ? null : String.join(",", dataDigests));
    put(values, Publisher.SOURCE, source);
    put(values, Publisher.REVISION, revision);
    put(values, Publisher.TITLE, title != null ? title : job);
    put(values, Publisher.DESCRIPTION, description != null ? description : describe());
    for (String a : annotations) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw TrainerException.config("--annotation " + a + ": expected key=value");
      }
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
    String createdAt = values.remove(Publisher.CREATED);
    if (created != null) {
      createdAt = created;
    }
    if (createdAt != null) {
      try {
        OffsetDateTime.parse(createdAt);
      } catch (DateTimeParseException e) {
        throw TrainerException.config(
            "--created " + createdAt + ": expected RFC 3339, e.g. 2026-12-05T10:00:00Z");
      }
    }
    return new PublishRequest(from, target, credentials, insecure, values, createdAt);
  }

  private String describe() {
    if (baseModel == null) {
      return null;
    }
    boolean adapter = Files.isRegularFile(from.resolve("adapter_config.json"));
    return (adapter ? "LoRA adapter for " : "Fine-tuned from ")
        + baseModel
        + (job == null ? "" : " by FineTuneJob " + job);
  }

  private static void put(Map<String, String> values, String key, String value) {
    if (value != null && !value.isEmpty()) {
      values.put(key, value);
    }
  }

  private void fail(String reason, String message, PublishResult.Blobs blobs) {
    String error = String.valueOf(message).replaceAll("\\s+", " ");
    if (error.length() > 3000) {
      error = error.substring(0, 2997) + "...";
    }
    write(new PublishResult("Failed", reason, error, null, null, null, null, blobs));
  }

  private void write(PublishResult result) {
    try {
      if (terminationMessagePath != null) {
        Files.write(terminationMessagePath, JSON.writeValueAsBytes(result));
      }
      if (report != null) {
        Path parent = report.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), result);
      }
    } catch (IOException e) {
      System.err.println("warning: cannot write the publish result: " + e.getMessage());
    }
  }
}
