/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import dev.finetune.trainer.model.TorchScriptModule;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A step's gradients as {@code torch.autograd.grad} returns them: arrays of their own, made by the
 * backward pass, summed over the step's micro-batches here and dropped after the optimizer step.
 * This is what {@code zero_grad(set_to_none=True)} gives transformers' Trainer: no parameter keeps
 * a {@code .grad} between steps, so nothing is zeroed (GPT-2 124M: 124M floats per step) and the
 * first micro-batch's backward pass adds into nothing (autograd accumulating into existing {@code
 * .grad} arrays adds every gradient a second time). DJL can only zero a {@code .grad}, not drop it,
 * so the backward pass runs in a {@link TorchScriptModule}.
 *
 * <p>Module methods run in inference mode (DJL's method call): the gradients are inference tensors,
 * which only the optimizer's own module (also in inference mode) updates in place.
 */
final class StepGradients implements AutoCloseable {
  static final String METHODS =
      """
        def forward(self: __torch__.Gradients,
            root: Tensor,
            params: List[Tensor]) -> List[Tensor]:
          grads = torch.autograd.grad([root], params, None, False, False, True)
          out = annotate(List[Tensor], [])
          for i in range(torch.len(params)):
            g = grads[i]
            if g is None:
              out.append(torch.zeros_like(params[i]))
            else:
              out.append(g)
          return out
        def accumulate(self: __torch__.Gradients,
            sums: List[Tensor],
            grads: List[Tensor]) -> Tensor:
          torch._foreach_add_(sums, grads)
          return sums[0]
      """;

  private static final Supplier<PtSymbolBlock> MODULE =
      TorchScriptModule.lazy("Gradients", METHODS);

  private final List<NDArray> params;
  private final NDManager manager;
  private List<NDArray> sums;

  /**
   * @param params the trained parameters, in the optimizer's order
   * @param manager holds the gradients until it is closed (the step's manager)
   */
  StepGradients(List<NDArray> params, NDManager manager) {
    this.params = params;
    this.manager = manager;
  }

  /**
   * The backward pass from {@code root} (a scalar recorded with gradients on): each parameter's
   * gradient, added to those of the earlier micro-batches. A parameter {@code root} does not depend
   * on gets zeros.
   */
  void backward(NDArray root) {
    NDArray[] grads;
    try (IValue result =
        TorchScriptModule.call(
            MODULE.get(),
            "forward",
            IValue.from((PtNDArray) root),
            TorchScriptModule.tensorList(params))) {
      grads = result.toTensorArray((PtNDManager) manager);
    }
    if (sums == null) {
      sums = Arrays.asList(grads);
      return;
    }
    TorchScriptModule.call(
            MODULE.get(),
            "accumulate",
            TorchScriptModule.tensorList(sums),
            TorchScriptModule.tensorList(Arrays.asList(grads)))
        .close();
    Arrays.stream(grads).forEach(NDArray::close);
  }

  /** The summed gradients, in the order of the parameters; null before any backward pass. */
  List<NDArray> sums() {
    return sums;
  }

  /** Drops the gradients (a step that starts over, or is skipped). */
  @Override
  public void close() {
    if (sums != null) {
      sums.forEach(NDArray::close);
      sums = null;
    }
  }
}
