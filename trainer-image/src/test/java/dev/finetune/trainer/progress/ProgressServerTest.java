/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.train.StepRecord;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressServerTest {
  /** A clock that moves 2 s per reading. */
  static final class StepClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      now = now.plusSeconds(2);
      return now;
    }
  }

  @Test
  void progressMetricsAndHealthAreServed() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProgressTracker tracker = new ProgressTracker(registry, new StepClock());
    tracker.started(0, 10, null, null, 8);
    tracker.step(StepRecord.train(1, 0.1, 1e-3, 100, Map.of("loss", 5.5, "grad_norm", 1.2)));
    tracker.step(StepRecord.train(2, 0.2, 1e-3, 120, Map.of("loss", 5.0, "grad_norm", 1.1)));
    tracker.evaluated(StepRecord.eval(2, 0.2, Map.of("loss", 6.25, "tokens", 500)));
    tracker.checkpointed(2, "/workspace/checkpoints/checkpoint-2");

    try (ProgressServer server = new ProgressServer(0, tracker, registry)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://localhost:" + server.port();
      JsonNode progress = new ObjectMapper().readTree(get(http, base + "/progress").body());
      assertThat(progress.get("phase").asText()).isEqualTo("Training");
      assertThat(progress.get("step").asLong()).isEqualTo(2);
      assertThat(progress.get("totalSteps").asLong()).isEqualTo(10);
      assertThat(progress.get("loss").asDouble()).isEqualTo(5.0);
      assertThat(progress.get("evalLoss").asDouble()).isEqualTo(6.25);
      assertThat(progress.get("trainedTokens").asLong()).isEqualTo(220);
      assertThat(progress.get("tokensPerSecond").asDouble()).isEqualTo(60.0);
      // 2 steps in 4 s since start: 8 steps left take 16 s.
      assertThat(progress.get("etaSeconds").asLong()).isEqualTo(16);
      assertThat(progress.get("metrics"))
          .as("the latest step's metrics and the latest evaluation's, by name")
          .isEqualTo(
              new ObjectMapper()
                  .readTree(
                      "{\"eval_loss\": 6.25, \"eval_tokens\": 500.0, \"grad_norm\": 1.1,"
                          + " \"loss\": 5.0}"));
      assertThat(progress.get("checkpoints")).hasSize(1);
      assertThat(progress.at("/checkpoints/0/path").asText()).endsWith("checkpoint-2");

      String metrics = get(http, base + "/metrics").body();
      assertThat(metrics)
          .contains("finetune_trainer_step 2.0")
          .contains("finetune_trainer_loss 5.0")
          .contains("finetune_trainer_eval_loss 6.25")
          .contains("finetune_trainer_tokens_total 220.0")
          .contains("finetune_trainer_step_duration_seconds_count 2");
      assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
