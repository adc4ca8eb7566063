/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.architecture.archfixture.a;

import dev.finetune.operator.architecture.archfixture.b.PlantedB;

/** Half of a deliberate package cycle: the architecture test must report it. */
public final class PlantedA {
  public PlantedB partner() {
    return new PlantedB();
  }
}
