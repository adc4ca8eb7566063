/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.architecture.archfixture.b;

import dev.finetune.operator.architecture.archfixture.a.PlantedA;

/** The other half of the deliberate package cycle. */
public final class PlantedB {
  public PlantedA partner() {
    return new PlantedA();
  }
}
