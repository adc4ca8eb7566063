/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

/**
 * A file to download and what it must turn out to be.
 *
 * @param path relative path inside the repository or folder (checked to stay inside it)
 * @param size the size in bytes, or -1 when unknown beforehand
 * @param sha256 hex SHA-256 of the content (the Hub gives it for LFS files), or null
 */
public record RemoteFile(String path, long size, String sha256) {}
