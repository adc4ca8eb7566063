/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.AdamW, one parameter group: decoupled weight decay on every parameter, bias
 * corrections, eps added after the bias-corrected square root. Written here because DJL's Adam puts
 * eps elsewhere and keeps its state private (state must be saved for exact resume).
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final NDManager stateManager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long step;

  public AdamW(double beta1, double beta2, double eps, double weightDecay, NDManager stateManager) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.stateManager = stateManager;
  }

  /** Starts an optimizer step; every parameter is then updated once with {@link #update}. */
  public void beginStep() {
    step++;
  }

  public long step() {
    return step;
  }

  /** Updates {@code param} in place from its gradient at learning rate {@code lr}. */
  public void update(String name, NDArray param, NDArray grad, double lr) {
    NDArray m = firstMoments.computeIfAbsent(name, k -> state(param));
    NDArray v = secondMoments.computeIfAbsent(name, k -> state(param));
    if (weightDecay != 0) {
      param.muli((float) (1 - lr * weightDecay));
    }
    m.muli((float) beta1).addi(grad.mul((float) (1 - beta1)));
    v.muli((float) beta2).addi(grad.square().mul((float) (1 - beta2)));
    double bias1 = 1 - Math.pow(beta1, step);
    double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    NDArray denom = v.sqrt().div((float) bias2Sqrt).add((float) eps);
    param.subi(m.div(denom).mul((float) (lr / bias1)));
  }

  /** Optimizer state outlives the step's NDScope it is created in. */
  private NDArray state(NDArray param) {
    NDArray zeros = stateManager.zeros(param.getShape());
    NDScope.unregister(zeros);
    return zeros;
  }

  public Map<String, NDArray> firstMoments() {
    return firstMoments;
  }

  public Map<String, NDArray> secondMoments() {
    return secondMoments;
  }
}
