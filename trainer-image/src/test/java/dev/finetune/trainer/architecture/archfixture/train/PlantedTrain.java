/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.architecture.archfixture.train;

import dev.finetune.trainer.architecture.archfixture.model.PlantedModel;

/** The allowed half of the planted cycle: train uses the model. */
public final class PlantedTrain {
  public PlantedModel model() {
    return new PlantedModel();
  }
}
