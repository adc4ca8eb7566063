/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.prepare;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.trainer.oci.OciReference;
import dev.finetune.trainer.source.HubLocation;
import dev.finetune.trainer.train.InputOptions;
import dev.finetune.trainer.train.TrainRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Training after the prepare step uses what it staged: {@code prepare-report.json} in the output
 * folder pins an {@code hf://} model and {@code hf://} data to the commits prepare resolved, an
 * {@code oci://} model to its manifest digest (found complete in the cache, they need no request),
 * and every data file to the SHA-256 prepare read. So a restarted trainer trains the same bytes
 * even if the Hub moved on, and a file edited since is refused. A report for other sources (the
 * run's settings changed) is not used.
 */
public final class PreparedInputs {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private PreparedInputs() {}

  public static void pin(TrainRequest.Builder request) {
    Path output = request.checkpointing().output();
    InputOptions.Builder b = request.inputs();
    if (output == null || b.model() == null) {
      return;
    }
    Path file = output.resolve(Preparation.REPORT);
    if (!Files.isRegularFile(file)) {
      return;
    }
    PrepareResult report;
    try {
      report = JSON.readValue(file.toFile(), PrepareResult.class);
    } catch (IOException e) {
      System.err.println("warning: " + file + " is unreadable, not used: " + e.getMessage());
      return;
    }
    if (!"Succeeded".equals(report.status())
        || report.model() == null
        || report.dataset() == null
        || !Objects.equals(report.model().source(), b.model())) {
      System.err.println("note: " + file + " is not for this run's model; not used");
      return;
    }
    String revision = report.model().revision();
    if (revision != null && HubLocation.matches(b.model())) {
      b.setModel(HubLocation.parse(b.model()).at(revision).toString());
    } else if (revision != null && OciReference.matches(b.model())) {
      b.setModel(OciReference.parse(b.model()).withDigest(revision).toString());
    }
    Map<String, String> digests = new LinkedHashMap<>();
    for (PrepareResult.DataFile f : report.dataset().files()) {
      String pinned =
          f.revision() != null && HubLocation.matches(f.source())
              ? HubLocation.parse(f.source()).at(f.revision()).toString()
              : f.source();
      if (f.source().equals(b.data())) {
        b.setData(pinned);
      } else if (f.source().equals(b.evalData())) {
        b.optEvalData(pinned);
      } else {
        continue;
      }
      digests.put(pinned, f.sha256());
    }
    b.optDataDigests(digests);
    System.out.println(
        "using what the prepare step staged ("
            + file
            + "): model "
            + b.model()
            + ", "
            + digests.size()
            + " data file(s) checked against their SHA-256");
  }
}
