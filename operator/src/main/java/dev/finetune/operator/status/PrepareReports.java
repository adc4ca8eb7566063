/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import dev.finetune.api.protocol.PrepareResult;
import dev.finetune.api.v1alpha1.DatasetStatus;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.ModelStatus;
import dev.finetune.api.v1alpha1.ProgressStatus;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The prepare step's result as users read it in {@code status.model} and {@code status.dataset}.
 */
public final class PrepareReports {
  private PrepareReports() {}

  /**
   * Sets {@code status.model}, {@code status.dataset} and, before any progress, {@code
   * progress.totalSteps} from {@code result}; without one, keeps what {@code previous} had.
   */
  public static void apply(
      FineTuneJobStatus status,
      FineTuneJobStatus previous,
      Optional<PrepareResult> result,
      UnaryOperator<String> locate) {
    status.setModel(previous == null ? null : previous.getModel());
    status.setDataset(previous == null ? null : previous.getDataset());
    if (result.isEmpty()) {
      return;
    }
    PrepareResult r = result.get();
    status.setModel(model(r.model()));
    status.setDataset(dataset(r.dataset(), locate));
    if (status.getProgress() == null && r.totalSteps() != null) {
      ProgressStatus progress = new ProgressStatus();
      progress.setStep(0L);
      progress.setTotalSteps(r.totalSteps());
      status.setProgress(progress);
    }
  }

  /** One line for the DataValidated event. */
  public static String summary(FineTuneJobStatus status) {
    DatasetStatus d = status.getDataset();
    ModelStatus m = status.getModel();
    return String.format(
        Locale.ROOT,
        "the prepare step checked the data and the model: %d examples train, %d validate, %d"
            + " tokens, %d truncated; %s%s, %d parameters (%d trained), about %s to train; %d steps",
        orZero(d.getTrainExamples()),
        orZero(d.getValidationExamples()),
        orZero(d.getTokens()),
        orZero(d.getTruncated()),
        m == null ? "model" : m.getArchitecture(),
        m == null || m.getRevision() == null ? "" : " at " + m.getRevision(),
        m == null ? 0 : orZero(m.getParameters()),
        m == null ? 0 : orZero(m.getTrainableParameters()),
        m == null ? "?" : m.getEstimatedTrainingMemory(),
        status.getProgress() == null ? 0 : orZero(status.getProgress().getTotalSteps()));
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static ModelStatus model(PrepareResult.Model m) {
    if (m == null) {
      return null;
    }
    ModelStatus s = new ModelStatus();
    s.setArchitecture(m.architecture());
    s.setRevision(m.revision());
    s.setParameters(m.parameters());
    s.setTrainableParameters(m.trainableParameters());
    s.setEstimatedTrainingMemory(gibibytes(m.estimatedTrainingMemoryBytes()));
    return s;
  }

  private static DatasetStatus dataset(PrepareResult.Dataset d, UnaryOperator<String> locate) {
    if (d == null) {
      return null;
    }
    DatasetStatus s = new DatasetStatus();
    s.setTrainExamples(d.trainExamples());
    s.setValidationExamples(d.validationExamples());
    s.setTokens(d.tokens());
    s.setTruncated(d.truncated());
    s.setSkippedLines(d.skippedLines());
    if (d.files() != null) {
      s.setFiles(
          d.files().stream()
              .map(
                  f -> {
                    DatasetStatus.DataFileStatus file = new DatasetStatus.DataFileStatus();
                    // The trainer's path of a claim's file, as the spec named it: pvc://...
                    file.setSource(locate.apply(f.source()));
                    file.setRevision(f.revision());
                    file.setSha256(f.sha256());
                    return file;
                  })
              .toList());
    }
    return s;
  }

  /** Bytes as a Kubernetes quantity a person reads: 14.2Gi, 512Mi. */
  static String gibibytes(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1fGi", bytes / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%dMi", Math.max(1, Math.round(bytes / 1048576.0)));
  }
}
