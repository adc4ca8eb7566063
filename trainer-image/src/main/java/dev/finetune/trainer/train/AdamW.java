/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import dev.finetune.trainer.model.Scalars;
import dev.finetune.trainer.model.TorchScriptModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * torch.optim.AdamW(fused=True), one parameter group, what transformers' Trainer runs by default:
 * decoupled weight decay on every parameter, bias corrections, eps added after the bias-corrected
 * square root. The step is PyTorch's own fused kernel ({@code _fused_adamw_}: one pass over each
 * parameter, its gradient and moments), reached through a {@link TorchScriptModule} because DJL
 * does not bind it; the same module clips (and, in float16, unscales) the gradients with one {@code
 * _foreach_mul_} and (where they are parameters' {@code .grad}) zeroes them with one {@code
 * _foreach_zero_}, and computes the gradient norm as clip_grad_norm_ does ({@code _foreach_norm},
 * then the norm of the norms). Three calls from Java per step, where a per-parameter update made a
 * dozen per parameter. The state is kept here (not DJL's Adam, whose state is private) because it
 * must be saved for exact resume: the moments are torch's exp_avg and exp_avg_sq.
 */
public final class AdamW {
  /**
   * The module's methods (TorchScript's serialized form). The step count is one float tensor given
   * once per parameter, as torch keeps one per parameter; the kernel only reads it.
   */
  static final String METHODS =
      """
        def forward(self: __torch__.Optimizer,
            params: List[Tensor],
            grads: List[Tensor],
            exp_avgs: List[Tensor],
            exp_avg_sqs: List[Tensor],
            steps: List[Tensor],
            grad_factor: Tensor,
            rescale: bool,
            lr: float,
            beta1: float,
            beta2: float,
            weight_decay: float,
            eps: float,
            zero_grads: bool) -> Tensor:
          if rescale:
            torch._foreach_mul_(grads, grad_factor)
          torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
          if zero_grads:
            torch._foreach_zero_(grads)
          return grad_factor
        def grad_norm(self: __torch__.Optimizer,
            grads: List[Tensor]) -> Tensor:
          norms = torch._foreach_norm(grads, 2.)
          return torch.linalg_vector_norm(torch.stack(norms), 2.)
      """;

  private static final Supplier<PtSymbolBlock> MODULE =
      TorchScriptModule.lazy("Optimizer", METHODS);

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

  /**
   * The L2 norm of all the gradients together, as torch.nn.utils.clip_grad_norm_ computes it (one
   * reduction per gradient, then the norm of those norms; no temporary the size of a parameter).
   */
  public NDArray gradNorm(List<NDArray> grads) {
    try (IValue norm =
        TorchScriptModule.call(MODULE.get(), "grad_norm", TorchScriptModule.tensorList(grads))) {
      return norm.toTensor((PtNDManager) grads.get(0).getManager());
    }
  }

  /**
   * One optimizer step over {@code params} (name to parameter, in a fixed order) with their
   * gradients: the gradients are first multiplied by {@code gradFactor} when {@code rescale} (the
   * clipping factor, divided by the float16 loss scale).
   *
   * @param lr the learning rate of this step
   * @param zeroGradients zero the gradients afterwards: they are parameters' {@code .grad}, ready
   *     to accumulate the next step's backward passes (not for {@link StepGradients}', which go)
   */
  public void step(
      Map<String, NDArray> params,
      List<NDArray> grads,
      NDArray gradFactor,
      boolean rescale,
      double lr,
      boolean zeroGradients) {
    step++;
    List<NDArray> weights = new ArrayList<>(params.values());
    List<NDArray> first = new ArrayList<>(weights.size());
    List<NDArray> second = new ArrayList<>(weights.size());
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      first.add(firstMoments.computeIfAbsent(e.getKey(), k -> state(e.getValue())));
      second.add(secondMoments.computeIfAbsent(e.getKey(), k -> state(e.getValue())));
    }
    NDManager manager = gradFactor.getManager();
    try (NDArray count = Scalars.of(manager, (float) step)) {
      TorchScriptModule.call(
              MODULE.get(),
              "forward",
              TorchScriptModule.tensorList(weights),
              TorchScriptModule.tensorList(grads),
              TorchScriptModule.tensorList(first),
              TorchScriptModule.tensorList(second),
              TorchScriptModule.tensorList(Collections.nCopies(weights.size(), count)),
              IValue.from((PtNDArray) gradFactor),
              IValue.from(rescale),
              IValue.from(lr),
              IValue.from(beta1),
              IValue.from(beta2),
              IValue.from(weightDecay),
              IValue.from(eps),
              IValue.from(zeroGradients))
          .close();
    }
  }

  /** Optimizer state outlives the step's NDScope it is created in. */
  private NDArray state(NDArray param) {
    NDArray zeros = stateManager.zeros(param.getShape());
    NDScope.unregister(zeros);
    return zeros;
  }

  /** Restores the state saved after {@code steps} steps. */
  public void restore(long steps, Map<String, NDArray> first, Map<String, NDArray> second) {
    this.step = steps;
    first.values().forEach(NDScope::unregister);
    second.values().forEach(NDScope::unregister);
    firstMoments.putAll(first);
    secondMoments.putAll(second);
  }

  public Map<String, NDArray> firstMoments() {
    return firstMoments;
  }

  public Map<String, NDArray> secondMoments() {
    return secondMoments;
  }
}
