/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.Summary;
import org.tensorflow.util.Event;
import org.tensorflow.util.SessionLog;

/**
 * The event file read back record by record (both CRCs checked) and parsed with the classes
 * generated from TensorBoard's protos; the framing against bytes TensorBoard's own Python
 * RecordWriter wrote.
 */
class EventFileWriterTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-05T10:00:00.250Z"), ZoneOffset.UTC);

  @Test
  void framesARecordAsTensorBoardsRecordWriterDoes() {
    // tensorboard.summary.writer.record_writer.RecordWriter(...).write(b"hello"), TensorBoard 2.21
    assertThat(HexFormat.of().formatHex(TfRecords.frame("hello".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("0500000000000000" + "eab2043e" + "68656c6c6f" + "bb1f1c19");
    // tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c(b"123456789")
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(TfRecords.maskedCrc(check, 0, check.length)).isEqualTo(0xc78ab0e5);
  }

  @Test
  void writesScalarsTextAndARestartThatReadBack(@TempDir Path dir) throws Exception {
    Map<String, Double> scalars = new LinkedHashMap<>();
    scalars.put("train/loss", 2.718281828459045);
    scalars.put("train/learning_rate", 1e-5);
    scalars.put("train/tokens", 250.0);
    String table =
        """
        | task | base | tuned |
        |---|---|---|
        | hellaswag | 0.2500 | 0.3125 |
        | arc_easy | 0.4000 | 0.4400 |
        """;
    Path file;
    try (EventFileWriter writer = EventFileWriter.create(dir.resolve("runs"), CLOCK)) {
      file = writer.path();
      writer.sessionStart(4);
      writer.scalars(4, scalars);
      writer.scalars(5, Map.of());
      writer.text("eval/comparison", table, 5);
    }

    assertThat(file.getParent()).isEqualTo(dir.resolve("runs"));
    assertThat(file.getFileName().toString())
        .isEqualTo("events.out.tfevents.1796464800." + EventFileWriter.hostname());
    List<Event> events = read(file);
    assertThat(events).hasSize(4);

    Event version = events.get(0);
    assertThat(version.getFileVersion()).isEqualTo("brain.Event:2");
    assertThat(version.getStep()).isZero();
    assertThat(version.getWallTime()).isEqualTo(1796464800.25);

    Event start = events.get(1);
    assertThat(start.getStep()).isEqualTo(4);
    assertThat(start.getSessionLog().getStatus()).isEqualTo(SessionLog.SessionStatus.START);

    Event step = events.get(2);
    assertThat(step.getStep()).isEqualTo(4);
    assertThat(step.getSummary().getValueList())
        .extracting(Summary.Value::getTag, Summary.Value::getSimpleValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("train/loss", 2.7182817f),
            org.assertj.core.groups.Tuple.tuple("train/learning_rate", 1e-5f),
            org.assertj.core.groups.Tuple.tuple("train/tokens", 250f));
    assertThat(step.getSummary().getValue(0).hasMetadata()).isFalse();

    Event text = events.get(3);
    assertThat(text.getStep()).isEqualTo(5);
    Summary.Value value = text.getSummary().getValue(0);
    assertThat(value.getTag()).isEqualTo("eval/comparison");
    assertThat(value.getMetadata().getPluginData().getPluginName()).isEqualTo("text");
    assertThat(value.getMetadata().getPluginData().getContent()).isEqualTo(ByteString.EMPTY);
    assertThat(value.getTensor().getDtype()).isEqualTo(DataType.DT_STRING);
    assertThat(value.getTensor().getTensorShape().getDimCount()).as("a scalar string").isZero();
    assertThat(value.getTensor().getStringValList())
        .containsExactly(ByteString.copyFromUtf8(table));
  }

  @Test
  void aSecondStartInTheSameSecondGetsItsOwnFile(@TempDir Path dir) throws Exception {
    Path first;
    Path second;
    try (EventFileWriter a = EventFileWriter.create(dir, CLOCK);
        EventFileWriter b = EventFileWriter.create(dir, CLOCK)) {
      first = a.path();
      second = b.path();
    }
    assertThat(second.getFileName().toString()).isEqualTo(first.getFileName() + ".1");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(2);
    }
    // Both are whole files; the sorted order (TensorBoard's reading order) is the start order.
    assertThat(read(first)).hasSize(1);
    assertThat(read(second)).hasSize(1);
    assertThat(first.toString()).isLessThan(second.toString());
  }

  @Test
  void aDamagedRecordIsRefused(@TempDir Path dir) throws Exception {
    Path file;
    try (EventFileWriter writer = EventFileWriter.create(dir, CLOCK)) {
      writer.scalars(1, Map.of("train/loss", 1.5));
      file = writer.path();
    }
    byte[] bytes = Files.readAllBytes(file);
    byte[] flipped = bytes.clone();
    flipped[flipped.length - 6] ^= 1; // inside the last record's data
    Files.write(file, flipped);
    assertThatThrownBy(() -> TfRecords.read(file)).hasMessageContaining("data CRC");

    flipped = bytes.clone();
    flipped[0] ^= 1; // the first record's length
    Files.write(file, flipped);
    assertThatThrownBy(() -> TfRecords.read(file)).hasMessageContaining("length CRC");

    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThatThrownBy(() -> TfRecords.read(file)).hasMessageContaining("cut short");
  }

  @Test
  void theHostnameIsFitForAFileName() {
    assertThat(EventFileWriter.hostname()).isNotBlank().matches("[A-Za-z0-9._-]+");
  }

  static List<Event> read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    for (byte[] record : TfRecords.read(file)) {
      events.add(Event.parseFrom(record));
    }
    return events;
  }
}
