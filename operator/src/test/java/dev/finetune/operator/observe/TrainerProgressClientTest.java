/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The poll of /progress against good, broken and hostile answers. */
class TrainerProgressClientTest {
  static final String GOOD =
      "{\"phase\":\"Training\",\"step\":120,\"totalSteps\":400,\"epoch\":0.6,\"loss\":2.31,"
          + "\"evalLoss\":2.45,\"learningRate\":1.8E-4,\"tokensPerSecond\":5120.0,"
          + "\"trainedTokens\":983040,\"etaSeconds\":1093,\"checkpoints\":[{\"step\":100,"
          + "\"path\":\"/workspace/checkpoints/checkpoint-100\",\"loss\":2.35,"
          + "\"time\":\"2026-11-27T22:40:12Z\"}],\"resumedFromStep\":100}";

  private final AtomicReference<byte[]> body = new AtomicReference<>();
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private HttpServer server;
  private final TrainerProgressClient client = new TrainerProgressClient(Duration.ofSeconds(2));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/progress",
        exchange -> {
          byte[] bytes = body.get();
          exchange.sendResponseHeaders(status.get(), bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ProgressObservation answer(String text) {
    body.set(text.getBytes(StandardCharsets.UTF_8));
    return client.poll("demo-trainer-1", "127.0.0.1", server.getAddress().getPort());
  }

  @Test
  void aGoodReportIsTaken() {
    ProgressObservation o = answer(GOOD);
    assertThat(o.ok()).isTrue();
    assertThat(o.progress().step()).isEqualTo(120);
    assertThat(o.progress().checkpoints()).hasSize(1);
    assertThat(o.progress().resumedFromStep()).isEqualTo(100);
  }

  @Test
  void brokenJsonIsRejectedWithoutDetailsOfTheBody() {
    ProgressObservation o = answer("{\"step\": 12, oops");
    assertThat(o.ok()).isFalse();
    assertThat(o.reason()).isEqualTo("ProgressRejected");
    assertThat(o.problem())
        .isEqualTo("the trainer's /progress answer is not valid progress JSON; ignored");
    assertThat(answer(GOOD + " trailing").reason()).isEqualTo("ProgressRejected");
  }

  @Test
  void aHugeAnswerIsCutOffAndRejected() {
    String huge = "{\"phase\":\"" + "x".repeat(200_000) + "\"}";
    ProgressObservation o = answer(huge);
    assertThat(o.reason()).isEqualTo("ProgressRejected");
    assertThat(o.problem()).contains("larger than 65536 bytes");
  }

  @Test
  void absurdNumbersAreRejectedAndNamed() {
    ProgressObservation o =
        answer(
            "{\"step\":500,\"totalSteps\":400,\"epoch\":1,\"loss\":-3,\"trainedTokens\":1,"
                + "\"etaSeconds\":999999999999}");
    assertThat(o.reason()).isEqualTo("ProgressRejected");
    assertThat(o.problem())
        .contains("totalSteps 400 does not fit step 500")
        .contains("loss -3.0 is out of range")
        .contains("etaSeconds 999999999999 is out of range");
    assertThat(
            answer("{\"step\":1,\"totalSteps\":2,\"epoch\":0,\"loss\":\"NaN\",\"trainedTokens\":0}")
                .reason())
        .isEqualTo("ProgressRejected");
  }

  @Test
  void anHttpErrorOrAClosedPortIsUnreachableNotAFailure() throws IOException {
    status.set(503);
    ProgressObservation o = answer("starting");
    assertThat(o.reason()).isEqualTo("TrainerUnreachable");
    assertThat(o.problem()).isEqualTo("the trainer's /progress answered HTTP 503");
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    ProgressObservation nobody = client.poll("p", "127.0.0.1", closed);
    assertThat(nobody.reason()).isEqualTo("TrainerUnreachable");
    assertThat(nobody.problem()).startsWith("the trainer is not reachable yet");
  }
}
