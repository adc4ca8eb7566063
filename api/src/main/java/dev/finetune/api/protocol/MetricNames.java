/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

/**
 * The names of a run's metrics, as Hugging Face's Trainer logs them ({@code log_history}): the
 * trainer's step records, {@code /progress}, the result and the FineTuneJob's status carry them in
 * maps under these names, so an objective with metrics of its own (DPO's {@code rewards/chosen}, …)
 * adds names, not fields. An evaluation's metrics are the training metric names with {@link
 * #EVAL_PREFIX}.
 */
public final class MetricNames {
  /** The objective's loss, averaged over the step (token-weighted for SFT). */
  public static final String LOSS = "loss";

  /** The global gradient norm before clipping. */
  public static final String GRAD_NORM = "grad_norm";

  /** float16 mixed precision: the loss scale of the step. */
  public static final String LOSS_SCALE = "loss_scale";

  /** What an evaluation's metric names start with. */
  public static final String EVAL_PREFIX = "eval_";

  /** The validation loss. */
  public static final String EVAL_LOSS = EVAL_PREFIX + LOSS;

  /** The scored tokens an evaluation's loss is over. */
  public static final String TOKENS = "tokens";

  /** The scored tokens the validation loss is over. */
  public static final String EVAL_TOKENS = EVAL_PREFIX + TOKENS;

  /** DPO: β · (log π(chosen) − log π_ref(chosen)), averaged over the pairs (TRL's names). */
  public static final String REWARDS_CHOSEN = "rewards/chosen";

  /** DPO: the same for the rejected completions. */
  public static final String REWARDS_REJECTED = "rewards/rejected";

  /** DPO: the fraction of pairs whose chosen reward is above the rejected one. */
  public static final String REWARDS_ACCURACIES = "rewards/accuracies";

  /** DPO: chosen minus rejected reward, averaged over the pairs. */
  public static final String REWARDS_MARGINS = "rewards/margins";

  /** DPO: the summed log-probability of the chosen completions, averaged over the pairs. */
  public static final String LOGPS_CHOSEN = "logps/chosen";

  /** DPO: the same for the rejected completions. */
  public static final String LOGPS_REJECTED = "logps/rejected";

  private MetricNames() {}
}
