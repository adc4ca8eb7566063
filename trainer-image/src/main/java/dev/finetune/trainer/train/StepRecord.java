/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.finetune.api.protocol.MetricNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of trainer_state.json's log_history, as Hugging Face's Trainer writes it: a small fixed
 * core and the metrics as name → value, written flat beside the core.
 *
 * <p>A training step: its learning rate, the tokens it scored and metrics such as {@code loss}
 * (before the update) and {@code grad_norm} (before clipping); under float16 mixed precision also
 * {@code loss_scale} and, for a step skipped because its gradients overflowed, {@code skipped:
 * true} and no gradient norm. An evaluation: only metrics, each named {@code eval_…}. An objective
 * with metrics of its own adds names, not fields (see {@link MetricNames}).
 *
 * @param tokens a training step's scored tokens; null for an evaluation
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepRecord(
    long step,
    Double epoch,
    @JsonProperty("learning_rate") Double learningRate,
    Long tokens,
    Boolean skipped,
    @JsonAnySetter @JsonAnyGetter Map<String, Number> metrics) {

  public StepRecord {
    // Insertion order is the order trainer_state.json shows them in.
    metrics =
        Collections.unmodifiableMap(
            metrics == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metrics));
  }

  /** A training step's record. */
  public static StepRecord train(
      long step, double epoch, double lr, long tokens, Map<String, ? extends Number> metrics) {
    return new StepRecord(step, epoch, lr, tokens, null, new LinkedHashMap<>(metrics));
  }

  /** A float16 step that was skipped because its gradients overflowed. */
  public static StepRecord skipped(
      long step, double epoch, double lr, long tokens, Map<String, ? extends Number> metrics) {
    return new StepRecord(step, epoch, lr, tokens, true, new LinkedHashMap<>(metrics));
  }

  /** An evaluation's record: every metric name gets the {@code eval_} prefix. */
  public static StepRecord eval(long step, double epoch, Map<String, ? extends Number> metrics) {
    Map<String, Number> named = new LinkedHashMap<>();
    metrics.forEach((name, value) -> named.put(MetricNames.EVAL_PREFIX + name, value));
    return new StepRecord(step, epoch, null, null, null, named);
  }

  /** An evaluation's record; a training step's carries its tokens. */
  @JsonIgnore
  public boolean isEvaluation() {
    return tokens == null;
  }

  /** The named metric, or null when this record has none of that name. */
  public Double metric(String name) {
    Number value = metrics.get(name);
    return value == null ? null : value.doubleValue();
  }

  public Double loss() {
    return metric(MetricNames.LOSS);
  }

  public Double evalLoss() {
    return metric(MetricNames.EVAL_LOSS);
  }

  public Double gradNorm() {
    return metric(MetricNames.GRAD_NORM);
  }

  public Double lossScale() {
    return metric(MetricNames.LOSS_SCALE);
  }

  /** The metrics as doubles, in their logged order. */
  public Map<String, Double> metricValues() {
    Map<String, Double> values = new LinkedHashMap<>();
    metrics.forEach((name, value) -> values.put(name, value.doubleValue()));
    return values;
  }
}
