/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes float32 tensors as safetensors the way Hugging Face tools expect: keys sorted, header
 * padded with spaces to a multiple of 8 so tensor data is aligned, {@code __metadata__ {"format":
 * "pt"}}. Written to a temporary file and renamed, so a reader never sees half a file.
 */
public final class SafetensorsWriter {
  /** A tensor to write: its shape and row-major float32 values. */
  public record Tensor(long[] shape, float[] values) {}

  /** A tensor copied byte for byte, in its own dtype, from another safetensors file. */
  public record Copied(SafetensorsFile file, String name) {}

  private SafetensorsWriter() {}

  public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
    write(path, tensors, Map.of());
  }

  /** Writes {@code tensors} (float32) and {@code copied} (as stored in their files) together. */
  public static void write(Path path, Map<String, Tensor> tensors, Map<String, Copied> copied)
      throws IOException {
    Map<String, Object> sorted = new TreeMap<>(tensors);
    for (String key : copied.keySet()) {
      if (sorted.put(key, copied.get(key)) != null) {
        throw new IllegalArgumentException(key + " is both written and copied");
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      long[] dims;
      String dtype;
      long bytes;
      if (e.getValue() instanceof Tensor t) {
        long elements = 1;
        for (long d : t.shape()) {
          elements *= d;
        }
        if (elements != t.values().length) {
          throw new IllegalArgumentException(e.getKey() + ": shape does not match values");
        }
        dims = t.shape();
        dtype = "F32";
        bytes = 4L * elements;
      } else {
        Copied c = (Copied) e.getValue();
        SafetensorsFile.TensorInfo info = c.file().tensors().get(c.name());
        dims = info.shape();
        dtype = info.dtype();
        bytes = info.end() - info.begin();
      }
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", dtype);
      ArrayNode shape = entry.putArray("shape");
      for (long d : dims) {
        shape.add(d);
      }
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes = json.writeValueAsBytes(header);
    int padded = (headerBytes.length + 7) / 8 * 8;
    ByteBuffer headerBuffer = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    headerBuffer.putLong(padded).put(headerBytes);
    while (headerBuffer.hasRemaining()) {
      headerBuffer.put((byte) ' ');
    }
    headerBuffer.flip();

    Path temp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(out, headerBuffer);
      for (Object value : sorted.values()) {
        if (value instanceof Copied c) {
          c.file().copyBytes(c.name(), out);
          continue;
        }
        float[] values = ((Tensor) value).values();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; ) {
          chunk.clear();
          int n = Math.min(values.length - i, chunk.capacity() / 4);
          chunk.asFloatBuffer().put(values, i, n);
          chunk.limit(n * 4);
          writeFully(out, chunk);
          i += n;
        }
      }
      out.force(true);
    }
    Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  static String headerText(Path path) throws IOException {
    byte[] all = Files.readAllBytes(path);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return new String(all, 8, (int) n, StandardCharsets.UTF_8);
  }
}
