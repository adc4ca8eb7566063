/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.architecture.archfixture.model;

import dev.finetune.trainer.architecture.archfixture.train.PlantedTrain;

/** A planted violation for the package rule's own test: the model layer reaching up into train. */
public final class PlantedModel {
  public PlantedTrain train() {
    return new PlantedTrain();
  }
}
