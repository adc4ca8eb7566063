/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerProgress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a trainer's {@code GET /progress} as an untrusted answer: short timeouts, at most 64 KiB
 * read, strict JSON, and numbers checked for sense before anything reaches the status. Never
 * throws: every failure becomes an observation with a message.
 */
public final class TrainerProgressClient {
  static final int MAX_BODY = 64 * 1024;
  static final int MAX_CHECKPOINTS = 1000;
  static final int MAX_TEXT = 1024;
  private static final long MAX_STEPS = 1_000_000_000_000L;
  private static final long MAX_ETA_SECONDS = 10L * 366 * 24 * 3600;

  private final HttpClient http;
  private final Duration timeout;
  private final ObjectMapper json;

  public TrainerProgressClient(Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
    this.json =
        new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    json.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(16)
                .maxStringLength(MAX_TEXT * 4)
                .build());
  }

  /** Polls {@code http://host:port/progress}; {@code pod} names the pod in messages. */
  public ProgressObservation poll(String pod, String host, int port) {
    URI uri = URI.create("http://" + host + ":" + port + "/progress");
    byte[] body;
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        if (response.statusCode() != 200) {
          return ProgressObservation.unreachable(
              pod, "the trainer's /progress answered HTTP " + response.statusCode());
        }
        body = in.readNBytes(MAX_BODY + 1);
      }
    } catch (IOException e) {
      return ProgressObservation.unreachable(
          pod, "the trainer is not reachable yet (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProgressObservation.unreachable(pod, "interrupted");
    }
    if (body.length > MAX_BODY) {
      return ProgressObservation.rejected(
          pod, "the trainer's /progress answer is larger than " + MAX_BODY + " bytes; ignored");
    }
    TrainerProgress progress;
    try {
      progress = json.readValue(body, TrainerProgress.class);
    } catch (JsonProcessingException e) {
      return ProgressObservation.rejected(
          pod, "the trainer's /progress answer is not valid progress JSON; ignored");
    } catch (IOException e) {
      return ProgressObservation.rejected(pod, "the trainer's /progress answer could not be read");
    }
    List<String> problems = check(progress);
    return problems.isEmpty()
        ? ProgressObservation.reported(pod, progress)
        : ProgressObservation.rejected(
            pod, "the trainer's /progress answer was rejected: " + String.join("; ", problems));
  }

  /** What makes a report nonsense; empty when it is believable. */
  static List<String> check(TrainerProgress p) {
    List<String> problems = new ArrayList<>();
    if (p == null) {
      problems.add("empty");
      return problems;
    }
    if (p.step() < 0 || p.step() > MAX_STEPS) {
      problems.add("step " + p.step() + " is out of range");
    }
    if (p.totalSteps() < 0 || p.totalSteps() > MAX_STEPS || p.step() > p.totalSteps()) {
      problems.add("totalSteps " + p.totalSteps() + " does not fit step " + p.step());
    }
    if (!(p.epoch() >= 0 && p.epoch() < 1e9)) {
      problems.add("epoch " + p.epoch() + " is out of range");
    }
    finite(problems, "loss", p.loss(), 0, 1e6);
    finite(problems, "evalLoss", p.evalLoss(), 0, 1e6);
    finite(problems, "learningRate", p.learningRate(), 0, 1e3);
    finite(problems, "tokensPerSecond", p.tokensPerSecond(), 0, 1e12);
    if (p.trainedTokens() < 0) {
      problems.add("trainedTokens is negative");
    }
    if (p.etaSeconds() != null && (p.etaSeconds() < 0 || p.etaSeconds() > MAX_ETA_SECONDS)) {
      problems.add("etaSeconds " + p.etaSeconds() + " is out of range");
    }
    if (p.phase() != null && p.phase().length() > 64) {
      problems.add("phase is too long");
    }
    if (p.checkpoints() != null) {
      if (p.checkpoints().size() > MAX_CHECKPOINTS) {
        problems.add("more than " + MAX_CHECKPOINTS + " checkpoints");
      }
      for (TrainerProgress.CheckpointInfo c : p.checkpoints()) {
        if (c == null || c.step() < 0 || c.step() > p.totalSteps()) {
          problems.add("a checkpoint's step is out of range");
          break;
        }
        if (c.path() == null || c.path().isEmpty() || c.path().length() > MAX_TEXT) {
          problems.add("a checkpoint's path is missing or too long");
          break;
        }
        if (c.time() != null && c.time().length() > 64) {
          problems.add("a checkpoint's time is too long");
          break;
        }
      }
    }
    if (p.resumedFromStep() != null
        && (p.resumedFromStep() < 0 || p.resumedFromStep() > p.totalSteps())) {
      problems.add("resumedFromStep is out of range");
    }
    return problems;
  }

  private static void finite(
      List<String> problems, String name, Double value, double min, double max) {
    if (value != null && !(value >= min && value <= max)) {
      problems.add(name + " " + value + " is out of range");
    }
  }
}
