/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.TrainerMain;
import dev.finetune.trainer.io.TfRecords;
import dev.finetune.trainer.progress.TensorBoardListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.framework.Summary;
import org.tensorflow.util.Event;
import org.tensorflow.util.SessionLog;

/**
 * {@code train} writes OUTPUT/runs/: TensorBoard's view of it (files in name order, a {@code
 * SessionLog.START} at step s dropping what came before at s and later, as EventAccumulator does)
 * is trainer_state.json's log_history, every scalar of every step in float32, also after a resume
 * that trains steps again which an earlier process had logged. The interop check reads the same
 * files with TensorBoard itself.
 */
class TensorBoardFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One point of a tag's curve. */
  record Point(long step, float value, double wallTime) {}

  @Test
  void theCurvesAreTheLogAlsoAfterAResume(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 24));
    Path whole = dir.resolve("whole");
    assertThat(train(data, whole)).isZero();

    List<Path> files = eventFiles(whole);
    assertThat(files).hasSize(1);
    assertThat(files.get(0).getFileName().toString())
        .matches("events\\.out\\.tfevents\\.\\d+\\..+");
    List<Event> events = read(files.get(0));
    assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
    assertThat(events.get(1).getSessionLog().getStatus()).isEqualTo(SessionLog.SessionStatus.START);
    assertThat(events.get(1).getStep()).as("a fresh run restarts at step 1").isEqualTo(1);
    Map<String, List<Point>> curves = view(whole);
    assertThat(curves)
        .containsKeys(
            "train/loss",
            "train/learning_rate",
            "train/grad_norm",
            "train/epoch",
            "train/tokens",
            "eval/loss",
            "eval/tokens",
            TensorBoardListener.TOKENS_PER_SECOND);
    assertIsTheLog(curves, whole);
    assertThat(curves.get(TensorBoardListener.TOKENS_PER_SECOND))
        .extracting(Point::step)
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(curves.get(TensorBoardListener.TOKENS_PER_SECOND))
        .allSatisfy(p -> assertThat(p.value()).isPositive());

    // Interrupted after step 4 with checkpoint-2 the newest: its file logged steps 3 and 4, which
    // the resumed run trains and logs again.
    Path resumed = dir.resolve("resumed");
    copyTree(whole.resolve("checkpoint-2"), resumed.resolve("checkpoint-2"));
    copyTree(whole.resolve("runs"), resumed.resolve("runs"));
    Thread.sleep(1000); // a later second: the new file sorts after the old one by time alone
    assertThat(train(data, resumed)).isZero();

    files = eventFiles(resumed);
    assertThat(files).hasSize(2);
    List<Event> second = read(files.get(1));
    assertThat(second.get(1).getSessionLog().getStatus()).isEqualTo(SessionLog.SessionStatus.START);
    assertThat(second.get(1).getStep()).as("the first step the resumed run trains").isEqualTo(3);
    Map<String, List<Point>> after = view(resumed);
    assertIsTheLog(after, resumed);
    double restart = second.get(1).getWallTime();
    assertThat(after.get("train/loss"))
        .as("steps 1-2 from the first file, 3-4 from the resumed run's")
        .extracting(p -> p.wallTime() >= restart)
        .containsExactly(false, false, true, true);
    assertThat(after.get("eval/loss")).extracting(Point::step).containsExactly(2L, 4L);
  }

  @Test
  void noTensorboardWritesNoEventFiles(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 8));
    Path out = dir.resolve("out");
    int code =
        TrainerMain.run(
            TrainArgs.train()
                .model(Fixtures.model("tiny-gpt2"))
                .data(data)
                .format("text")
                .maxLength(32)
                .batchSize(4)
                .maxSteps(1)
                .with("--no-tensorboard")
                .output(out)
                .args());
    assertThat(code).isZero();
    assertThat(out.resolve("trainer_state.json")).exists();
    assertThat(out.resolve("runs")).doesNotExist();
  }

  /** Every number of every log_history entry, at its step, once, in float32; nothing else. */
  private static void assertIsTheLog(Map<String, List<Point>> curves, Path out) throws IOException {
    Map<String, List<Point>> expected = new TreeMap<>();
    for (JsonNode entry :
        JSON.readTree(out.resolve("trainer_state.json").toFile()).get("log_history")) {
      long step = entry.get("step").asLong();
      entry
          .fields()
          .forEachRemaining(
              field -> {
                if (!field.getKey().equals("step")) {
                  expected
                      .computeIfAbsent(tag(field.getKey()), k -> new ArrayList<>())
                      .add(new Point(step, (float) field.getValue().asDouble(), 0));
                }
              });
    }
    Map<String, List<Point>> actual = new TreeMap<>(curves);
    actual.remove(TensorBoardListener.TOKENS_PER_SECOND);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (tag, points) ->
            assertThat(actual.get(tag))
                .as(tag)
                .extracting(Point::step, Point::value)
                .containsExactlyElementsOf(
                    points.stream()
                        .map(p -> org.assertj.core.groups.Tuple.tuple(p.step(), p.value()))
                        .toList()));
  }

  private static String tag(String key) {
    return key.startsWith("eval_") ? "eval/" + key.substring(5) : "train/" + key;
  }

  /** What TensorBoard shows: the files in name order, a START dropping points at its step on. */
  private static Map<String, List<Point>> view(Path out) throws IOException {
    Map<String, List<Point>> curves = new TreeMap<>();
    for (Path file : eventFiles(out)) {
      for (Event event : read(file)) {
        if (event.hasSessionLog()
            && event.getSessionLog().getStatus() == SessionLog.SessionStatus.START) {
          curves.values().forEach(points -> points.removeIf(p -> p.step() >= event.getStep()));
        }
        for (Summary.Value value : event.getSummary().getValueList()) {
          curves
              .computeIfAbsent(value.getTag(), k -> new ArrayList<>())
              .add(new Point(event.getStep(), value.getSimpleValue(), event.getWallTime()));
        }
      }
    }
    return curves;
  }

  private static List<Path> eventFiles(Path out) throws IOException {
    try (Stream<Path> files = Files.list(out.resolve("runs"))) {
      return files.sorted().toList();
    }
  }

  private static List<Event> read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    for (byte[] record : TfRecords.read(file)) {
      events.add(Event.parseFrom(record));
    }
    return events;
  }

  private static int train(Path data, Path out) {
    return TrainerMain.run(
        TrainArgs.train()
            .model(Fixtures.model("tiny-gpt2"))
            .data(data)
            .format("text")
            .maxLength(32)
            .batchSize(4)
            .maxSteps(4)
            .learningRate("1e-3")
            .seed(5)
            .with("--validation-split", "0.25")
            .with("--eval-every-steps", "2")
            .with("--save-every-steps", "2")
            .with("--no-progress-bar")
            .output(out)
            .args());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
