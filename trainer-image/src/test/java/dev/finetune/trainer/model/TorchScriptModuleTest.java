/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class TorchScriptModuleTest {
  /** The module object the fused attention shipped with, pickled by hand before this class. */
  private static final byte[] ATTENTION_PICKLE = {
    (byte) 0x80,
    2,
    'c',
    '_',
    '_',
    't',
    'o',
    'r',
    'c',
    'h',
    '_',
    '_',
    '\n',
    'A',
    't',
    't',
    'e',
    'n',
    't',
    'i',
    'o',
    'n',
    '\n',
    'q',
    0,
    ')',
    (byte) 0x81,
    '}',
    '(',
    'X',
    8,
    0,
    0,
    0,
    't',
    'r',
    'a',
    'i',
    'n',
    'i',
    'n',
    'g',
    'q',
    1,
    (byte) 0x88,
    'X',
    0x16,
    0,
    0,
    0,
    '_',
    'i',
    's',
    '_',
    'f',
    'u',
    'l',
    'l',
    '_',
    'b',
    'a',
    'c',
    'k',
    'w',
    'a',
    'r',
    'd',
    '_',
    'h',
    'o',
    'o',
    'k',
    'q',
    2,
    'N',
    'u',
    'b',
    'q',
    3,
    '.'
  };

  @Test
  void picklesTheModuleObjectAsTorchJitSaveDoes() {
    assertArrayEquals(ATTENTION_PICKLE, TorchScriptModule.modulePickle("Attention"));
  }

  @Test
  void compilesAndRunsSourceOfItsOwn() {
    String methods =
        """
          def forward(self: __torch__.Affine,
              x: Tensor,
              y: Tensor) -> Tensor:
            return torch.add(torch.mul(x, 3.), y)
        """;
    PtSymbolBlock module = TorchScriptModule.load("Affine", methods);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.create(new float[] {1, 2, 3});
      NDArray y = manager.create(new float[] {0.5f, 0.25f, 0});
      NDArray out =
          module
              .forward(new ParameterStore(manager, false), new NDList(x, y), false)
              .singletonOrThrow();
      assertArrayEquals(new float[] {3.5f, 6.25f, 9}, out.toFloatArray());
    }
  }
}
