/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.finetune.api.testing.DeploymentTools;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.TrainerMain;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real trainer's /metrics, scraped mid-run, is valid Prometheus text by promtool's rules. */
class TrainerMetricsScrapeFixtureTest {
  private static final java.util.regex.Pattern STEP =
      java.util.regex.Pattern.compile("(?m)^finetune_trainer_step ([0-9.]+)$");

  @Test
  void scrapeOfARunningTrainerPassesPromtool(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path out = dir.resolve("out");
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () ->
                TrainerMain.run(
                    TrainArgs.train()
                        .model(Fixtures.model("tiny-gpt2"))
                        .data(Fixtures.data("text.jsonl"))
                        .format("text")
                        .maxLength(16)
                        .batchSize(2)
                        .maxSteps(100)
                        .with("--save-every-steps", "50")
                        .with("--progress-port", String.valueOf(port))
                        .output(out)
                        .args()));
    HttpClient http = HttpClient.newHttpClient();
    URI metrics = URI.create("http://localhost:" + port + "/metrics");
    String[] scrape = new String[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              scrape[0] =
                  http.send(
                          HttpRequest.newBuilder(metrics).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body();
              // Any step of a run that is still going: the steps after the first are fast.
              var step = STEP.matcher(scrape[0]);
              return step.find() && Double.parseDouble(step.group(1)) >= 2;
            });
    assertThat(run.get()).isZero();

    assertThat(scrape[0])
        .contains("# TYPE finetune_trainer_tokens_total counter")
        .contains("finetune_trainer_step_duration_seconds_count")
        .contains("jvm_memory_used_bytes")
        .doesNotContain("process_cpu_time_ns_total");
    Path file = Path.of("target", "scrapes", "trainer-metrics.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, scrape[0]);
    DeploymentTools.Result check = DeploymentTools.run("promtool", file, "check", "metrics");
    assertThat(check.output()).as("promtool check metrics").isEmpty();
    assertThat(check.exitCode()).isZero();
  }
}
