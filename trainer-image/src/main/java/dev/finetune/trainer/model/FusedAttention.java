/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.function.Supplier;

/**
 * Causal attention through PyTorch's own fused {@code scaled_dot_product_attention}, which DJL does
 * not bind: a {@link TorchScriptModule} of one line (no Python involved), compiled by libtorch when
 * it loads it; DJL's {@link PtSymbolBlock} runs it with autograd, so the backward pass is PyTorch's
 * fused one too. The [T, T] scores and softmax are never materialised (on the CPU the
 * flash-attention kernel works in blocks). Keys and values come with as many heads as the queries:
 * with {@code enable_gqa}, libtorch 2.7.1 runs its unfused math path on the CPU instead (measured:
 * slower and larger than the eager path here).
 *
 * <p>Used for plain causal attention in float32 (no sliding window shorter than the sequence, no
 * packed segments, no soft-cap): everything else takes the eager path in {@link CausalLmBlock}.
 * {@code -Dtrainer.attention=eager} turns it off.
 */
final class FusedAttention {
  /** The module's method: q is scaled by the caller, as the eager path does. */
  static final String METHODS =
      """
        def forward(self: __torch__.Attention,
            q: Tensor,
            k: Tensor,
            v: Tensor) -> Tensor:
          _0 = torch.scaled_dot_product_attention(q, k, v, None, 0., True, scale=1.)
          return _0
      """;

  private static final Supplier<PtSymbolBlock> MODULE =
      TorchScriptModule.lazy("Attention", METHODS);

  private FusedAttention() {}

  /** Whether the fused kernel may run (the PyTorch engine, not turned off). */
  static boolean enabled(NDManager manager) {
    return !"eager".equals(System.getProperty("trainer.attention"))
        && manager instanceof PtNDManager;
  }

  /** softmax(q·kᵀ + causal mask)·v over [B, H, T, D] tensors, q already scaled. */
  static NDArray causal(NDArray q, NDArray k, NDArray v) {
    NDList out =
        MODULE
            .get()
            .forward(
                new ParameterStore(q.getManager(), false),
                new NDList(q, k, v),
                JniUtils.isGradMode());
    return out.singletonOrThrow();
  }
}
