/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.Summary;
import org.tensorflow.framework.SummaryMetadata;
import org.tensorflow.framework.TensorProto;
import org.tensorflow.framework.TensorShapeProto;
import org.tensorflow.util.Event;
import org.tensorflow.util.SessionLog;

/**
 * A TensorBoard event file: {@code events.out.tfevents.<unix time>.<hostname>} in a log directory,
 * TFRecords ({@link TfRecords}) of the {@code Event} messages generated from TensorBoard's own
 * protos (src/main/proto). It starts with the {@code brain.Event:2} version record; scalars are
 * written as PyTorch's {@code SummaryWriter.add_scalar} writes them (a float32 {@code
 * simple_value}), text as TensorBoard's text plugin reads it. Every event is written through to the
 * file at once, so a reader (or a killed process) never waits on a buffer.
 */
public final class EventFileWriter implements AutoCloseable {
  /** The first record of every event file. */
  public static final String FILE_VERSION = "brain.Event:2";

  /** The file names TensorBoard reads ({@code tfevents} in the name). */
  public static final String FILE_PREFIX = "events.out.tfevents.";

  private final Path path;
  private final Clock clock;
  private final FileChannel channel;

  private EventFileWriter(Path path, Clock clock, FileChannel channel) {
    this.path = path;
    this.clock = clock;
    this.channel = channel;
  }

  /**
   * A new event file in {@code dir} (created if missing), named after the clock's second and this
   * host; a name already taken (a second start within the same second) gets {@code .1}, {@code .2},
   * … appended, so no file is ever appended to or replaced.
   */
  public static EventFileWriter create(Path dir, Clock clock) {
    try {
      Files.createDirectories(dir);
      String base = FILE_PREFIX + clock.instant().getEpochSecond() + "." + hostname();
      for (int n = 0; ; n++) {
        Path path = dir.resolve(n == 0 ? base : base + "." + n);
        try {
          FileChannel channel =
              FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          EventFileWriter writer = new EventFileWriter(path, clock, channel);
          writer.write(writer.event(0).setFileVersion(FILE_VERSION));
          return writer;
        } catch (FileAlreadyExistsException taken) {
          // the next suffix
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an event file in " + dir, e);
    }
  }

  public Path path() {
    return path;
  }

  /**
   * A restart at {@code step}: TensorBoard drops what earlier files of this directory logged at
   * {@code step} and later ({@code SessionLog.START}; its readers purge on it), so steps a resumed
   * run logs again are not shown twice. Only a training run starts a session: a writer that adds to
   * a finished run's directory (a text summary after training) must not.
   */
  public void sessionStart(long step) {
    write(
        event(step)
            .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START)));
  }

  /**
   * Scalars of one step, tag → value, in one event; each value is stored as float32, as TensorBoard
   * stores every scalar.
   */
  public void scalars(long step, Map<String, Double> values) {
    if (values.isEmpty()) {
      return;
    }
    Summary.Builder summary = Summary.newBuilder();
    values.forEach(
        (tag, value) ->
            summary.addValue(
                Summary.Value.newBuilder().setTag(tag).setSimpleValue(value.floatValue())));
    write(event(step).setSummary(summary));
  }

  /**
   * A text summary for TensorBoard's Text tab: the string as a scalar {@code DT_STRING} tensor with
   * plugin data {@code text}, as {@code tensorboard.summary.text} writes it. TensorBoard renders it
   * as Markdown (tables included). After training, e.g. {@code try (EventFileWriter w =
   * EventFileWriter.create(output.resolve("runs"), clock)) { w.text("eval/comparison", table,
   * step); }}: a new file beside the run's, read after it.
   */
  public void text(String tag, String markdown, long step) {
    TensorProto tensor =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_STRING)
            .setTensorShape(TensorShapeProto.getDefaultInstance())
            .addStringVal(ByteString.copyFrom(markdown, StandardCharsets.UTF_8))
            .build();
    // The plugin's content is a TextPluginData of version 0, whose encoding is empty.
    SummaryMetadata metadata =
        SummaryMetadata.newBuilder()
            .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("text"))
            .build();
    write(
        event(step)
            .setSummary(
                Summary.newBuilder()
                    .addValue(
                        Summary.Value.newBuilder()
                            .setTag(tag)
                            .setMetadata(metadata)
                            .setTensor(tensor))));
  }

  private Event.Builder event(long step) {
    Instant now = clock.instant();
    return Event.newBuilder().setWallTime(now.getEpochSecond() + now.getNano() / 1e9).setStep(step);
  }

  private void write(Event.Builder event) {
    ByteBuffer record = ByteBuffer.wrap(TfRecords.frame(event.build().toByteArray()));
    try {
      while (record.hasRemaining()) {
        channel.write(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + path, e);
    }
  }

  /** This host's name (a pod's name in Kubernetes), as a file name allows it. */
  static String hostname() {
    String name = System.getenv("HOSTNAME");
    if (name == null || name.isBlank()) {
      try {
        name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      } catch (IOException | RuntimeException e) {
        try {
          name = InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException again) {
          name = "localhost";
        }
      }
    }
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.isEmpty() ? "localhost" : safe;
  }
}
