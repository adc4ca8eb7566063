/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.publish;

import dev.finetune.trainer.oci.OciReference;
import java.nio.file.Path;
import java.util.Map;

/**
 * What to push where.
 *
 * @param from the model folder (a full model or a PEFT adapter)
 * @param to the repository and tag ({@code oci://registry/repository:tag})
 * @param credentials a Docker config file ({@code .dockerconfigjson}), or null for anonymous
 * @param insecure plain HTTP (and HTTPS without verification) allowed
 * @param annotations what the manifest (and the config's labels) carry, besides those publish
 *     computes ({@code created}, the layout)
 * @param created the image's creation time (RFC 3339), or null for the newest file's time (so an
 *     unchanged folder gives the same manifest, and the same digest, on every push)
 */
public record PublishRequest(
    Path from,
    OciReference to,
    Path credentials,
    boolean insecure,
    Map<String, String> annotations,
    String created) {}
