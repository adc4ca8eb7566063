/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubelet;

import java.nio.file.Path;
import java.util.Optional;

/** Where a pod's container log is, and whether the container still runs (kubectl logs -f). */
public interface PodLogs {
  Optional<Path> logFile(String namespace, String pod);

  boolean running(String namespace, String pod);
}
