/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.api.v1alpha1.ProgressStatus;
import dev.finetune.api.v1alpha1.ResultStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalCommandTest {
  /** A misspelt field is one line naming the file, the field and the fields there are. */
  @Test
  void anUnknownFieldIsOneLineNamingFileFieldAndKnownFields(@TempDir Path dir) throws Exception {
    Path manifest = dir.resolve("job.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: typo}
        spec:
          model: {source: preset://tiny-gpt2-bytes}
          dataset: {train: {source: pvc://data/train.jsonl}, format: text}
          output: {publsh: true}
        """);
    Result result = run(dir, manifest.toString());
    assertThat(result.code()).as(result.err()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "error: "
                + manifest
                + ": FineTuneJob typo: unknown field \"spec.output.publsh\"; the fields of"
                + " spec.output are publish, retainPolicy, source\n");
    assertThat(dir.resolve("work")).doesNotExist();
  }

  @Test
  void invalidYamlIsOneLine(@TempDir Path dir) throws Exception {
    Path manifest = dir.resolve("bad.yaml");
    Files.writeString(manifest, "kind: FineTuneJob\nmetadata: {name: [\n");
    Result result = run(dir, manifest.toString());
    assertThat(result.code()).as(result.err()).isEqualTo(2);
    assertThat(result.err()).startsWith("error: " + manifest + ": not valid YAML: ");
    assertThat(result.err().strip()).doesNotContain("\n").doesNotContain("\tat ");
  }

  /** With spec.evaluation the last lines add base against tuned and the promotion's verdict. */
  @Test
  void anEvaluatedRunsLineShowsBaseTunedAndWhetherItIsPromoted() {
    FineTuneJobStatus s = new FineTuneJobStatus();
    s.setPhase(Phase.Succeeded);
    s.setResult(new ResultStatus());
    assertThat(LocalCommand.evaluation(s)).as("no evaluation asked for").isEmpty();
    s.getResult().setEvaluation(List.of(new EvaluationResult("validation", "loss", 5.5, 2.5)));
    s.getConditions()
        .add(
            new ConditionBuilder()
                .withType("Promoted")
                .withStatus("False")
                .withReason("EvaluationGateFailed")
                .withMessage("the tuned model failed the evaluation gate: ...")
                .build());
    assertThat(LocalCommand.evaluation(s))
        .contains(
            "validation loss: tuned 2.500 vs base 5.500 (delta -3.000); not promoted: the tuned"
                + " model failed the evaluation gate: ...");
    s.getConditions().get(0).setStatus("True");
    s.getConditions().get(0).setReason("EvaluationGatePassed");
    assertThat(LocalCommand.evaluation(s))
        .contains(
            "validation loss: tuned 2.500 vs base 5.500 (delta -3.000); promoted"
                + " (EvaluationGatePassed)");
  }

  /** A DPO run's line shows how often the chosen completion wins and by how much. */
  @Test
  void aRunningDpoJobShowsItsRewardAccuracyAndMargin() {
    FineTuneJobStatus s = new FineTuneJobStatus();
    s.setPhase(Phase.Running);
    ProgressStatus p = new ProgressStatus();
    p.setStep(3L);
    p.setTotalSteps(10L);
    p.setPercent("30%");
    p.setLoss(0.6543);
    p.setEta("12s");
    p.setMetrics(
        new TreeMap<>(
            Map.of("loss", 0.6543, "rewards/accuracies", 0.75, "rewards/margins", 0.0412)));
    s.setProgress(p);
    assertThat(LocalCommand.describe(s))
        .isEqualTo(
            "Running step 3/10 (30%) loss 0.6543 rewards/accuracies 0.75, rewards/margins 0.0412"
                + " eta 12s");
    p.setMetrics(
        new TreeMap<>(
            Map.of(
                "rewards/accuracies", 0.875,
                "rewards/margins", 0.4483,
                "eval_rewards/accuracies", 0.8667,
                "eval_rewards/margins", 0.3977)));
    assertThat(LocalCommand.preference(p.getMetrics(), ", final ", true))
        .as("the last line: the last step's pairs and the validation pairs")
        .isEqualTo(
            ", final rewards/accuracies 0.875, rewards/margins 0.4483,"
                + " eval_rewards/accuracies 0.8667, eval_rewards/margins 0.3977");
    p.setMetrics(new TreeMap<>(Map.of("loss", 0.6543, "grad_norm", 1.2)));
    assertThat(LocalCommand.describe(s))
        .as("an sft run's line as before")
        .isEqualTo("Running step 3/10 (30%) loss 0.6543 eta 12s");
  }

  private record Result(int code, String err) {}

  private static Result run(Path dir, String... files) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      String[] args = new String[files.length + 2];
      args[0] = "--work-dir=" + dir.resolve("work");
      args[1] = "--trainer-jar=" + dir.resolve("no-such.jar");
      System.arraycopy(files, 0, args, 2, files.length);
      int code = new CommandLine(new LocalCommand()).execute(args);
      return new Result(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }
}
