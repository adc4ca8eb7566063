/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard's event files: each record is its length (uint64,
 * little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data
 * (both uint32, little-endian). The mask is TensorFlow's: {@code ((crc >>> 15) | (crc << 17)) +
 * 0xa282ead8}.
 */
public final class TfRecords {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  /** One record holding {@code data}. */
  public static byte[] frame(byte[] data) {
    ByteBuffer record = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    record.putLong(data.length);
    record.putInt(maskedCrc(record.array(), 0, 8));
    record.put(data);
    record.putInt(maskedCrc(data, 0, data.length));
    return record.array();
  }

  /** TensorFlow's masked CRC-32C of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static int maskedCrc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }

  /**
   * The records of a file, each checked against both of its CRCs.
   *
   * @throws IOException when the file cannot be read, a CRC does not match or the last record is
   *     cut short
   */
  public static List<byte[]> read(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    while (in.hasRemaining()) {
      int start = in.position();
      if (in.remaining() < 12) {
        throw new IOException(file + ": a record header cut short at byte " + start);
      }
      long length = in.getLong();
      if (in.getInt() != maskedCrc(in.array(), start, 8)) {
        throw new IOException(
            file + ": the length CRC of the record at byte " + start + " differs");
      }
      if (length < 0 || length > in.remaining() - 4) {
        throw new IOException(file + ": the record at byte " + start + " is cut short");
      }
      byte[] data = new byte[(int) length];
      in.get(data);
      if (in.getInt() != maskedCrc(data, 0, data.length)) {
        throw new IOException(file + ": the data CRC of the record at byte " + start + " differs");
      }
      records.add(data);
    }
    return records;
  }
}
