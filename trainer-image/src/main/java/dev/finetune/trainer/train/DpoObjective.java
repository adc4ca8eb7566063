/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.finetune.api.protocol.MetricNames;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Direct Preference Optimization, as TRL 1.13's DPOTrainer computes it ({@code _compute_loss},
 * f-divergence reverse KL): per pair, the log-ratios of policy to reference summed over each
 * completion's tokens, Δ = (log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r)), and the loss
 * type's function of Δ, averaged over the step's pairs (each pair weighs one). The chosen and
 * rejected sequences of a micro-batch go through the model together, chosen rows first, padded to
 * the longest (right padding under causal attention changes no real token's log-probability).
 *
 * <p>The reference log-probabilities are the starting weights', computed once before the first step
 * ({@link ReferenceLogProbs}). Besides the loss it logs TRL's statistics, each a mean over the
 * pairs: rewards (β × log-ratio) of chosen and rejected, their margin, the fraction of pairs whose
 * chosen reward is the higher, and the summed log-probabilities.
 */
public final class DpoObjective implements Objective {
  /** What DPO logs beside its loss, in TRL's order and with its names. */
  static final Set<String> STATISTICS =
      java.util.Collections.unmodifiableSet(
          new LinkedHashSet<>(
              List.of(
                  MetricNames.REWARDS_CHOSEN,
                  MetricNames.REWARDS_REJECTED,
                  MetricNames.REWARDS_ACCURACIES,
                  MetricNames.REWARDS_MARGINS,
                  MetricNames.LOGPS_CHOSEN,
                  MetricNames.LOGPS_REJECTED)));

  private final ObjectiveOptions options;
  private final ReferenceLogProbs reference;

  public DpoObjective(ObjectiveOptions options, ReferenceLogProbs reference) {
    this.options = options;
    this.reference = reference;
  }

  @Override
  public long weight(Example example) {
    return example.isPair() ? 1 : 0;
  }

  @Override
  public Set<String> statistics() {
    return STATISTICS;
  }

  @Override
  public BatchLoss forward(CausalLmBlock model, List<Example> pairs, NDManager manager) {
    int n = pairs.size();
    NDArray logps = sequenceLogProbs(model, pairs, manager);
    NDArray policyChosen = logps.get("0:" + n);
    NDArray policyRejected = logps.get(n + ":");
    NDArray ref = reference.of(pairs, manager);
    NDArray chosenRatio = policyChosen.sub(ref.get("0:" + n));
    NDArray rejectedRatio = policyRejected.sub(ref.get(n + ":"));
    NDArray perPair =
        loss(
            options,
            chosenRatio,
            rejectedRatio,
            completionTokens(pairs, Example::chosen),
            completionTokens(pairs, Example::rejected),
            manager);

    NDArray beta = Scalars.of(manager, options.beta());
    NDArray chosenRewards = chosenRatio.stopGradient().mul(beta);
    NDArray rejectedRewards = rejectedRatio.stopGradient().mul(beta);
    Map<String, NDArray> statistics = new LinkedHashMap<>();
    statistics.put(MetricNames.REWARDS_CHOSEN, chosenRewards.sum());
    statistics.put(MetricNames.REWARDS_REJECTED, rejectedRewards.sum());
    statistics.put(
        MetricNames.REWARDS_ACCURACIES,
        chosenRewards.gt(rejectedRewards).toType(DataType.FLOAT32, false).sum());
    statistics.put(MetricNames.REWARDS_MARGINS, chosenRewards.sub(rejectedRewards).sum());
    statistics.put(MetricNames.LOGPS_CHOSEN, policyChosen.stopGradient().sum());
    statistics.put(MetricNames.LOGPS_REJECTED, policyRejected.stopGradient().sum());
    return new BatchLoss(perPair.sum(), statistics);
  }

  /**
   * The pairs' chosen then rejected sequences' summed completion log-probabilities, shape (2n), in
   * float32.
   */
  static NDArray sequenceLogProbs(CausalLmBlock model, List<Example> pairs, NDManager manager) {
    List<Example> rows = new ArrayList<>(2 * pairs.size());
    pairs.forEach(p -> rows.add(p.chosen()));
    pairs.forEach(p -> rows.add(p.rejected()));
    TokenBatch batch = TokenBatch.of(rows, manager);
    NDArray logits = model.logits(batch.ids(), batch.positions(), batch.segments());
    NDArray logps = CausalLmLoss.sequenceLogProbs(logits, batch);
    return logps.getDataType() == DataType.FLOAT32 ? logps : logps.toType(DataType.FLOAT32, false);
  }

  /** Each pair's completion tokens (TRL's completion mask summed), at least 1: IPO's divisors. */
  private static float[] completionTokens(
      List<Example> pairs, java.util.function.Function<Example, Example> side) {
    float[] counts = new float[pairs.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(1, side.apply(pairs.get(i)).scoredCount());
    }
    return counts;
  }

  /**
   * Each pair's loss, shape (n), as TRL's loss types define it, from the log-ratios of policy to
   * reference of the chosen and rejected completions (and, for IPO, their token counts).
   */
  static NDArray loss(
      ObjectiveOptions options,
      NDArray chosenRatio,
      NDArray rejectedRatio,
      float[] chosenTokens,
      float[] rejectedTokens,
      NDManager manager) {
    NDArray beta = Scalars.of(manager, options.beta());
    NDArray scaled = chosenRatio.sub(rejectedRatio).mul(beta);
    return switch (options.loss()) {
      // −log σ(βΔ) = softplus(−βΔ)
      case SIGMOID -> scaled.neg().getNDArrayInternal().softPlus();
      // max(0, 1 − βΔ)
      case HINGE -> Scalars.of(manager, 1).sub(scaled).getNDArrayInternal().relu();
      // (Δ_c/|c| − Δ_r/|r| − 1/(2β))², log-ratios averaged over each completion's tokens
      case IPO -> {
        int n = chosenTokens.length;
        NDArray delta =
            chosenRatio
                .div(TokenBatch.nativeCopy(manager, chosenTokens, new Shape(n)))
                .sub(
                    rejectedRatio.div(
                        TokenBatch.nativeCopy(manager, rejectedTokens, new Shape(n))));
        yield delta.sub(Scalars.of(manager, 1 / (2 * options.beta()))).square();
      }
      // ((1−ε)·softplus(−βΔ) − ε·softplus(βΔ)) / (1−2ε): the sigmoid loss with labels flipped
      // at rate ε, unbiased (rDPO)
      case ROBUST -> {
        double eps = options.labelSmoothing();
        NDArray clean =
            scaled.neg().getNDArrayInternal().softPlus().mul(Scalars.of(manager, 1 - eps));
        NDArray flipped = scaled.getNDArrayInternal().softPlus().mul(Scalars.of(manager, eps));
        yield clean.sub(flipped).div(Scalars.of(manager, 1 - 2 * eps));
      }
    };
  }
}
