/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.ModelDtype;
import dev.finetune.local.testing.TrainerJar;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.TrainerConfigFactory;
import dev.finetune.operator.validation.FineTuneJobValidator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One contract between the API and the trainer: every shipped example passes the operator's
 * validator, becomes a trainer config, and that config passes the trainer's own checks ({@code
 * train --config FILE --check}, the real jar); and what the validator refuses because the trainer
 * does not implement it, the trainer refuses too, for the same reason.
 */
class DeployExamplesContractIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> examples() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("..", "deploy", "examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExamplePassesTheValidatorAndTheTrainersChecks(Path example, @TempDir Path dir)
      throws Exception {
    FineTuneJob job = read(example);
    assertThat(new FineTuneJobValidator().validate(job)).as("validator").isEmpty();
    Run run = check(TrainerConfigFactory.create(job, OperatorConfig.defaults()), dir);
    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output()).contains("configuration ok");
  }

  @Test
  void bfloat16IsRefusedByBothWhileFloat16AndSeveralGpusPassBoth(@TempDir Path dir)
      throws Exception {
    FineTuneJob job = read(Path.of("..", "deploy", "examples", "full-finetune-pvc.yaml"));
    job.getSpec().getModel().setDtype(ModelDtype.BFLOAT16);
    assertThat(new FineTuneJobValidator().validate(job))
        .singleElement()
        .asString()
        .startsWith("spec.model.dtype bfloat16 is not supported: DJL's PyTorch engine");
    Run run = check(TrainerConfigFactory.create(job, OperatorConfig.defaults()), dir);
    assertThat(run.code()).isEqualTo(78);
    assertThat(run.output())
        .contains("model.dtype bfloat16 is not supported: DJL's PyTorch engine");

    job.getSpec().getModel().setDtype(ModelDtype.FLOAT16);
    assertThat(new FineTuneJobValidator().validate(job)).as("float16 is accepted").isEmpty();
    Run half = check(TrainerConfigFactory.create(job, OperatorConfig.defaults()), dir);
    assertThat(half.code()).as(half.output()).isZero();

    job.getSpec().getModel().setDtype(null);
    job.getSpec().getResources().setGpus(4);
    assertThat(new FineTuneJobValidator().validate(job)).as("four GPUs are accepted").isEmpty();
    Run four = check(TrainerConfigFactory.create(job, OperatorConfig.defaults()), dir);
    assertThat(four.code()).as(four.output()).isZero();
  }

  private static FineTuneJob read(Path example) throws Exception {
    return new KubernetesSerialization().unmarshal(Files.readString(example), FineTuneJob.class);
  }

  private record Run(int code, String output) {}

  private static Run check(TrainerConfig config, Path dir) throws Exception {
    Path file = dir.resolve("trainer-config.json");
    JSON.writeValue(file.toFile(), config);
    List<String> command = new ArrayList<>(TrainerJar.command());
    command.addAll(List.of("train", "--config", file.toString(), "--check"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), output);
  }
}
