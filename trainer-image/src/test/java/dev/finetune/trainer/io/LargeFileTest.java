/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tensor that starts past 2 GiB reads correctly (DJL's decoder cannot read such files). The file
 * is sparse: the 2.4 GB in front of the tensor take no disk space.
 */
class LargeFileTest {
  @Test
  void tensorBeyondTwoGibibytes(@TempDir Path dir) throws Exception {
    long padElements = 600_000_000L; // 2.4e9 bytes of F32
    long padBytes = padElements * 4;
    String header =
        "{\"pad\":{\"dtype\":\"F32\",\"shape\":["
            + padElements
            + "],\"data_offsets\":[0,"
            + padBytes
            + "]},"
            + "\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":["
            + padBytes
            + ","
            + (padBytes + 12)
            + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("big.safetensors");
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      ByteBuffer start = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
      start.putLong(h.length).put(h);
      out.write(start.array());
      out.setLength(8 + h.length + padBytes + 12);
      out.seek(8 + h.length + padBytes);
      ByteBuffer x = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      x.putFloat(1.25f).putFloat(-3f).putFloat(7.5f);
      out.write(x.array());
    }
    SafetensorsFile read = SafetensorsFile.open(file);
    assertThat(read.readFloats("x")).containsExactly(1.25f, -3f, 7.5f);
  }
}
