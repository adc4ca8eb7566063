/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.protocol.TrainerProgress;
import dev.finetune.api.v1alpha1.CheckpointStatus;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.api.v1alpha1.ProgressStatus;
import dev.finetune.api.v1alpha1.ResultStatus;
import dev.finetune.api.v1alpha1.TrainerStatus;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.desired.TrainerVolumes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ProgressReportsTest {
  private static final UnaryOperator<String> LOCATE =
      TrainerVolumes.plan(TestJobs.minimal())::sourceOf;

  @Test
  void progressIsRoundedForPeopleAndPathsBecomeSources() {
    TrainerProgress p =
        new TrainerProgress(
            "Training",
            120,
            400,
            0.60123,
            2.314567,
            2.45,
            1.83456e-4,
            5120.04,
            983040,
            4805L,
            List.of(
                new TrainerProgress.CheckpointInfo(
                    100,
                    "/workspace/checkpoints/checkpoint-100",
                    2.3512,
                    null,
                    "2026-11-27T22:40:12Z")),
            100L,
            3L,
            metrics(),
            4,
            null);
    ProgressStatus s = ProgressReports.progress(p);
    assertThat(s.getPercent()).isEqualTo("30%");
    assertThat(s.getEta()).isEqualTo("1h20m5s");
    assertThat(s.getLoss()).isEqualTo(2.3146);
    assertThat(s.getLearningRate()).isEqualTo(1.83e-4);
    assertThat(s.getEpoch()).isEqualTo(0.601);
    assertThat(s.getResumedFromStep()).isEqualTo(100);
    assertThat(s.getSkippedSteps()).as("float16 steps skipped, as reported").isEqualTo(3);
    assertThat(s.getMicroBatchSize()).as("the micro-batch the trainer trains with").isEqualTo(4);
    List<CheckpointStatus> c = ProgressReports.checkpoints(null, p.checkpoints(), LOCATE);
    assertThat(c.get(0).getPath()).isEqualTo("pvc://demo-workspace/checkpoints/checkpoint-100");
    assertThat(ProgressReports.eta(59)).isEqualTo("59s");
    assertThat(ProgressReports.eta(240)).isEqualTo("4m0s");
    assertThat(s.getMetrics())
        .as("every reported metric, four significant digits, sorted, a NaN left out")
        .containsExactly(
            entry("eval_loss", 2.45),
            entry("grad_norm", 0.8124),
            entry("loss", 2.315),
            entry("rewards/accuracies", 0.625));
  }

  /** What a trainer reports: its objective's own names beside the loss, one of them not finite. */
  private static Map<String, Double> metrics() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss", 2.314567);
    metrics.put("grad_norm", 0.812449);
    metrics.put("rewards/accuracies", 0.625);
    metrics.put("rewards/margins", Double.NaN);
    metrics.put("eval_loss", 2.45);
    return metrics;
  }

  /**
   * A DPO run's step and evaluation metrics (TRL's names, the evaluation's with eval_) reach
   * status.progress.metrics and status.result.metrics under the same names, four significant
   * digits, negative log-probabilities and rewards included.
   */
  @Test
  void dpoMetricsReachProgressAndResultUnderTheirNames() {
    Map<String, Double> reported = new LinkedHashMap<>();
    reported.put(MetricNames.LOSS, 0.6931472);
    reported.put(MetricNames.REWARDS_CHOSEN, 0.0123456);
    reported.put(MetricNames.REWARDS_REJECTED, -0.0234567);
    reported.put(MetricNames.REWARDS_ACCURACIES, 0.75);
    reported.put(MetricNames.REWARDS_MARGINS, 0.0358023);
    reported.put(MetricNames.LOGPS_CHOSEN, -123.45678);
    reported.put(MetricNames.LOGPS_REJECTED, -131.98765);
    reported.put(MetricNames.EVAL_PREFIX + MetricNames.REWARDS_ACCURACIES, 0.6666667);
    TrainerProgress p =
        new TrainerProgress(
            "Training",
            3,
            10,
            0.3,
            0.6931472,
            null,
            1e-6,
            10.0,
            300,
            20L,
            List.of(),
            null,
            null,
            reported,
            2,
            null);
    assertThat(ProgressReports.progress(p).getMetrics())
        .containsExactly(
            entry("eval_rewards/accuracies", 0.6667),
            entry("logps/chosen", -123.5),
            entry("logps/rejected", -132.0),
            entry("loss", 0.6931),
            entry("rewards/accuracies", 0.75),
            entry("rewards/chosen", 0.01235),
            entry("rewards/margins", 0.0358),
            entry("rewards/rejected", -0.02346));

    Pod succeeded =
        pod(
            0,
            "{\"status\":\"Succeeded\",\"outputDir\":\"/workspace/output/final\",\"layout\":\"model\","
                + "\"trainLoss\":0.52,\"steps\":10,\"trainExamples\":200,"
                + "\"metrics\":{\"loss\":0.5213,\"rewards/chosen\":0.41234,"
                + "\"rewards/rejected\":-0.29876,\"rewards/accuracies\":0.875,"
                + "\"rewards/margins\":0.71111,\"logps/chosen\":-20.123456,"
                + "\"logps/rejected\":-27.654321}}");
    ResultStatus r = ProgressReports.result(List.of(succeeded), LOCATE).orElseThrow();
    assertThat(r.getTrainExamples()).as("pairs, counted as examples").isEqualTo(200);
    assertThat(r.getMetrics())
        .containsExactly(
            entry("logps/chosen", -20.12),
            entry("logps/rejected", -27.65),
            entry("loss", 0.5213),
            entry("rewards/accuracies", 0.875),
            entry("rewards/chosen", 0.4123),
            entry("rewards/margins", 0.7111),
            entry("rewards/rejected", -0.2988));
    assertThat(ProgressReports.finished(ProgressReports.progress(p), r).getMetrics())
        .as("the final progress shows the result's metrics, not the last step's")
        .isEqualTo(r.getMetrics());
  }

  @Test
  void checkpointsAccumulateNewestLastAndStayBounded() {
    List<CheckpointStatus> list = null;
    for (long step = 10; step <= 300; step += 10) {
      list =
          ProgressReports.checkpoints(
              list,
              List.of(
                  new TrainerProgress.CheckpointInfo(
                      step, "/workspace/checkpoints/checkpoint-" + step, 1.0, null, "t")),
              LOCATE);
    }
    assertThat(list).hasSize(ProgressReports.MAX_CHECKPOINTS);
    assertThat(list.get(list.size() - 1).getStep()).isEqualTo(300);
    assertThat(list.get(0).getStep()).isEqualTo(110);
    assertThat(list).extracting(CheckpointStatus::getStep).isSorted();
    List<Long> steps = new ArrayList<>();
    LongStream.rangeClosed(11, 30).forEach(i -> steps.add(i * 10));
    assertThat(list).extracting(CheckpointStatus::getStep).containsExactlyElementsOf(steps);
  }

  @Test
  void theResultComesFromASucceededTrainersTerminationMessage() {
    Pod failed = pod(143, "{\"status\":\"Failed\",\"error\":\"stopped\"}");
    Pod succeeded =
        pod(
            0,
            "{\"status\":\"Succeeded\",\"outputDir\":\"/workspace/output/final\",\"layout\":\"peft-lora\","
                + "\"trainLoss\":1.25,\"evalLoss\":1.5,\"trainedTokens\":4096,\"steps\":20,"
                + "\"trainExamples\":90,\"validationExamples\":10,\"bestStep\":15,"
                + "\"bestEvalLoss\":1.5,\"stoppedEarly\":true,"
                + "\"metrics\":{\"loss\":1.25,\"grad_norm\":0.51234,\"eval_loss\":1.5}}");
    ResultStatus r = ProgressReports.result(List.of(failed, succeeded), LOCATE).orElseThrow();
    assertThat(r.getLocation()).isEqualTo("pvc://demo-workspace/output/final");
    assertThat(r.getLayout()).isEqualTo("peft-lora");
    assertThat(r.getSteps()).isEqualTo(20);
    assertThat(r.getTrainExamples()).isEqualTo(90);
    assertThat(r.getValidationExamples()).isEqualTo(10);
    assertThat(r.getBestStep()).isEqualTo(15);
    assertThat(r.getBestEvalLoss()).isEqualTo(1.5);
    assertThat(r.getStoppedEarly()).isTrue();
    assertThat(r.getMetrics())
        .containsExactly(entry("eval_loss", 1.5), entry("grad_norm", 0.5123), entry("loss", 1.25));
    assertThat(ProgressReports.result(List.of(pod(0, "last log line")), LOCATE)).isEmpty();
    ProgressStatus done = ProgressReports.finished(null, r);
    assertThat(done.getPercent()).isEqualTo("100%");
    assertThat(done.getStep()).isEqualTo(20);
    assertThat(done.getEta()).isNull();
    assertThat(done.getMetrics()).as("the final metrics").isEqualTo(r.getMetrics());
  }

  @Test
  void theEvaluationComesWithTheResultAsReportedAndANumberThatIsNotFiniteIsLeftOut() {
    Pod succeeded =
        pod(
            0,
            "{\"status\":\"Succeeded\",\"outputDir\":\"/workspace/output/final\",\"steps\":20,"
                + "\"evaluation\":["
                + "{\"task\":\"licenses\",\"metric\":\"acc_norm\",\"base\":0.2,\"tuned\":0.35,"
                + "\"delta\":0.14999999999999997},"
                + "{\"task\":\"wiki\",\"metric\":\"perplexity\",\"base\":\"Infinity\","
                + "\"tuned\":41.123456789,\"delta\":\"-Infinity\"},"
                + "{\"task\":\"validation\",\"metric\":\"loss\",\"base\":3.0123456789,"
                + "\"tuned\":2.5,\"delta\":-0.5123456789}]}");
    ResultStatus r = ProgressReports.result(List.of(succeeded), LOCATE).orElseThrow();
    assertThat(r.getEvaluation())
        .extracting(
            EvaluationResult::getTask,
            EvaluationResult::getMetric,
            EvaluationResult::getBase,
            EvaluationResult::getTuned,
            EvaluationResult::getDelta)
        .containsExactly(
            tuple("licenses", "acc_norm", 0.2, 0.35, 0.15),
            tuple("wiki", "perplexity", null, 41.123456789, null),
            tuple("validation", "loss", 3.0123456789, 2.5, -0.5123456789));
    Pod without = pod(0, "{\"status\":\"Succeeded\",\"steps\":20}");
    assertThat(ProgressReports.result(List.of(without), LOCATE).orElseThrow().getEvaluation())
        .as("no evaluation asked for")
        .isNull();
  }

  @Test
  void whatTheTrainerRanOnComesFromTheNewestEndedPodsTerminationMessage() {
    String trainer =
        "\"trainer\":{\"devices\":\"1 × NVIDIA H100 80GB HBM3\","
            + "\"engine\":\"PyTorch 2.7.1 (cu128), DJL 0.36.0\",\"memory\":\"79.1 GiB per GPU\"}";
    Pod crashedAfterItsCheck = pod(1, "{\"status\":\"Failed\",\"error\":\"boom\"," + trainer + "}");
    TrainerStatus s = ProgressReports.trainer(List.of(crashedAfterItsCheck)).orElseThrow();
    assertThat(s.getDevices()).isEqualTo("1 × NVIDIA H100 80GB HBM3");
    assertThat(s.getEngine()).isEqualTo("PyTorch 2.7.1 (cu128), DJL 0.36.0");
    assertThat(s.getMemory()).isEqualTo("79.1 GiB per GPU");
    Pod gpuUnavailable = pod(69, "{\"status\":\"Failed\",\"error\":\"the pod requested 1 GPU\"}");
    assertThat(ProgressReports.trainer(List.of(crashedAfterItsCheck, gpuUnavailable)))
        .as("the newest pod failed before its check passed: nothing to say")
        .isEmpty();
    assertThat(ProgressReports.trainer(List.of(pod(137, "a log tail")))).isEmpty();
  }

  private static Pod pod(int exitCode, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p" + exitCode)
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("trainer")
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withMessage(message)
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }
}
