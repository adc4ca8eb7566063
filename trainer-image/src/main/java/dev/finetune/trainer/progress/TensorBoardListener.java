/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.progress;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.io.EventFileWriter;
import dev.finetune.trainer.train.StepRecord;
import dev.finetune.trainer.train.TrainingListener;
import dev.finetune.trainer.train.TrainingRun;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the run's curves for TensorBoard: one event file per process start in {@code
 * OUTPUT/runs/}, holding every scalar of every {@code log_history} entry as transformers'
 * TensorBoardCallback tags it ({@code train/loss}, {@code train/learning_rate}, {@code
 * train/epoch}, {@code eval/loss}, {@code train/rewards/chosen}, …) plus {@value
 * #TOKENS_PER_SECOND}.
 *
 * <p>A resumed run starts its file with {@code SessionLog.START} at its first step: TensorBoard
 * then drops what an interrupted process logged after the checkpoint the run resumed from, and
 * shows the steps trained again once, so what it shows is trainer_state.json's log.
 *
 * <p>The curves are a report: a file that cannot be written costs a warning and the rest of the
 * curves, never the run.
 */
public final class TensorBoardListener implements TrainingListener, AutoCloseable {
  /**
   * Scored tokens per second of this process's training so far (tokens since it started training
   * over the seconds since then), as transformers logs {@code train_tokens_per_second}.
   */
  public static final String TOKENS_PER_SECOND = "train/train_tokens_per_second";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> ENTRY =
      new TypeReference<>() {};

  private final Path dir;
  private final Clock clock;
  private EventFileWriter writer;
  private Instant startedAt;
  private long tokens;

  /**
   * @param dir the log directory, {@code OUTPUT/runs}
   */
  public TensorBoardListener(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  /**
   * The scalars of one {@code log_history} entry, named as transformers' {@code rewrite_logs} names
   * them: {@code eval_x} → {@code eval/x}, {@code test_x} → {@code test/x}, anything else → {@code
   * train/x}; every number (a boolean as 1 or 0, as Python's {@code isinstance(v, (int, float))}
   * takes it), not the step, which is the event's.
   */
  public static Map<String, Double> tags(StepRecord record) {
    Map<String, Double> tags = new LinkedHashMap<>();
    Map<String, Object> entry = JSON.convertValue(record, ENTRY);
    entry.forEach(
        (key, value) -> {
          if (key.equals("step")) {
            return;
          }
          if (value instanceof Number number) {
            tags.put(tag(key), number.doubleValue());
          } else if (value instanceof Boolean flag) {
            tags.put(tag(key), flag ? 1.0 : 0.0);
          }
        });
    return tags;
  }

  private static String tag(String key) {
    if (key.startsWith("eval_")) {
      return "eval/" + key.substring("eval_".length());
    }
    if (key.startsWith("test_")) {
      return "test/" + key.substring("test_".length());
    }
    return "train/" + key;
  }

  @Override
  public void onTrainingBegin(TrainingRun run) {
    try {
      writer = EventFileWriter.create(dir, clock);
      // Steps after the resumed checkpoint may be in an earlier file: this run logs them again.
      writer.sessionStart(run.startStep() + 1);
      startedAt = clock.instant();
      tokens = 0;
      run.note("TensorBoard: " + writer.path());
    } catch (UncheckedIOException e) {
      failed(run, e);
    }
  }

  @Override
  public void onStep(TrainingRun run, StepRecord record) {
    if (writer == null) {
      return;
    }
    Map<String, Double> scalars = tags(record);
    tokens += record.tokens();
    double seconds = Duration.between(startedAt, clock.instant()).toNanos() / 1e9;
    if (seconds > 0) {
      scalars.put(TOKENS_PER_SECOND, tokens / seconds);
    }
    write(run, record.step(), scalars);
  }

  @Override
  public void onEvaluation(TrainingRun run, StepRecord evaluation) {
    if (writer != null) {
      write(run, evaluation.step(), tags(evaluation));
    }
  }

  private void write(TrainingRun run, long step, Map<String, Double> scalars) {
    try {
      writer.scalars(step, scalars);
    } catch (UncheckedIOException e) {
      failed(run, e);
    }
  }

  private void failed(TrainingRun run, UncheckedIOException e) {
    run.note(
        "warning: TensorBoard curves stop here: "
            + e.getMessage()
            + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
    close();
  }

  @Override
  public void onTrainingEnd(TrainingRun run, long stepsDone) {
    close();
  }

  /** Closes the event file (also when the run failed). */
  @Override
  public void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (UncheckedIOException e) {
        System.err.println("warning: " + e.getMessage());
      }
      writer = null;
    }
  }
}
