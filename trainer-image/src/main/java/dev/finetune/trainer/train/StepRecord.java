/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of trainer_state.json's log_history: a training step (loss before the update, the
 * learning rate used, the global gradient norm before clipping, the tokens scored; under float16
 * mixed precision also the loss scale used and, for a step skipped because its gradients
 * overflowed, {@code skipped: true} and no gradient norm) or an evaluation (eval_loss).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepRecord(
    long step,
    Double epoch,
    Double loss,
    @JsonProperty("learning_rate") Double learningRate,
    @JsonProperty("grad_norm") Double gradNorm,
    Long tokens,
    @JsonProperty("eval_loss") Double evalLoss,
    @JsonProperty("eval_tokens") Long evalTokens,
    @JsonProperty("loss_scale") Double lossScale,
    Boolean skipped) {

  public static StepRecord train(
      long step, double epoch, double loss, double lr, double gradNorm, long tokens) {
    return new StepRecord(step, epoch, loss, lr, gradNorm, tokens, null, null, null, null);
  }

  /** A float16 step: its loss scale, and no gradient norm when it was skipped. */
  public static StepRecord scaled(
      long step,
      double epoch,
      double loss,
      double lr,
      Double gradNorm,
      long tokens,
      double lossScale,
      boolean skipped) {
    return new StepRecord(
        step, epoch, loss, lr, gradNorm, tokens, null, null, lossScale, skipped ? true : null);
  }

  public static StepRecord eval(long step, double epoch, double loss, long tokens) {
    return new StepRecord(step, epoch, null, null, null, null, loss, tokens, null, null);
  }
}
