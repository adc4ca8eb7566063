/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a run trains on, as the trainer's device check found it before the model loaded: in {@code
 * /progress} and the termination message, and from them in the FineTuneJob's {@code
 * status.trainer}.
 *
 * @param devices the devices it trains on, e.g. {@code 1 × NVIDIA H100 80GB HBM3} or {@code CPU (8
 *     cores)}
 * @param engine the engine and its natives, e.g. {@code PyTorch 2.7.1 (cu128), DJL 0.36.0}
 * @param memory the memory of those devices, e.g. {@code 79.1 GiB per GPU} or {@code 31.2 GiB}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainerRuntime(String devices, String engine, String memory) {}
