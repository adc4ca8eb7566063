/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one safetensors file tensor by tensor, straight from the file channel, widening F16 and
 * BF16 to float32. Written by hand because DJL's decoder reads the whole file into one byte array
 * (no file over 2 GiB) and aborts the JVM on BF16.
 */
public final class SafetensorsFile {
  /** Header larger than this is not a safetensors file we trust (the format caps it at 100 MB). */
  private static final long MAX_HEADER = 100L * 1024 * 1024;

  private static final int CHUNK = 1 << 24;

  /** One tensor's entry in the header. */
  public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
    public long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final Path path;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.path = path;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  public static SafetensorsFile open(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > channel.size()) {
        throw new IOException(
            path + ": not a safetensors file (header length " + headerLength + ")");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(channel, header, 8);
      JsonNode json = new ObjectMapper().readTree(header.array());
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      long dataSize = channel.size() - 8 - headerLength;
      for (Map.Entry<String, JsonNode> e : json.properties()) {
        if (e.getKey().equals("__metadata__")) {
          e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        JsonNode t = e.getValue();
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.get("shape").get(i).asLong();
        }
        long begin = t.get("data_offsets").get(0).asLong();
        long end = t.get("data_offsets").get(1).asLong();
        TensorInfo info = new TensorInfo(e.getKey(), t.get("dtype").asText(), shape, begin, end);
        if (begin < 0
            || end > dataSize
            || end < begin
            || end - begin != info.elements() * bytesPer(info.dtype(), path)) {
          throw new IOException(path + ": tensor " + e.getKey() + " has inconsistent offsets");
        }
        tensors.put(e.getKey(), info);
      }
      return new SafetensorsFile(
          path,
          8 + headerLength,
          Collections.unmodifiableMap(tensors),
          Collections.unmodifiableMap(metadata));
    }
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public Path path() {
    return path;
  }

  /** The tensor's values as float32, row-major. */
  public float[] readFloats(String name) throws IOException {
    TensorInfo info = info(name);
    if (info.elements() > Integer.MAX_VALUE - 8) {
      throw new IOException(path + ": tensor " + name + " is too large for one array");
    }
    float[] out = new float[(int) info.elements()];
    read(info, FloatBuffer.wrap(out));
    return out;
  }

  /**
   * The tensor's values as float32 in a direct buffer (native byte order), read straight from the
   * file: an engine can take it without a copy, and no array the size of the tensor passes through
   * the Java heap (which would keep that memory after loading).
   */
  public ByteBuffer readFloatsDirect(String name) throws IOException {
    TensorInfo info = info(name);
    if (info.elements() > (Integer.MAX_VALUE - 8) / 4) {
      throw new IOException(path + ": tensor " + name + " is too large for one buffer");
    }
    ByteBuffer out =
        ByteBuffer.allocateDirect((int) info.elements() * 4).order(ByteOrder.nativeOrder());
    read(info, out.asFloatBuffer());
    return out;
  }

  /** Copies the tensor's bytes as stored (any dtype) to {@code out}. */
  public void copyBytes(String name, java.nio.channels.WritableByteChannel out) throws IOException {
    TensorInfo info = info(name);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long position = dataStart + info.begin();
      long remaining = info.end() - info.begin();
      while (remaining > 0) {
        long n = channel.transferTo(position, remaining, out);
        if (n <= 0) {
          throw new IOException(path + ": unexpected end of file in " + name);
        }
        position += n;
        remaining -= n;
      }
    }
  }

  private TensorInfo info(String name) throws IOException {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new IOException(path + ": no tensor named " + name);
    }
    return info;
  }

  private void read(TensorInfo info, FloatBuffer out) throws IOException {
    int width = bytesPer(info.dtype(), path);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long position = dataStart + info.begin();
      long remaining = info.end() - info.begin();
      ByteBuffer buffer =
          ByteBuffer.allocate((int) Math.min(CHUNK, remaining)).order(ByteOrder.LITTLE_ENDIAN);
      while (remaining > 0) {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), remaining));
        readFully(channel, buffer, position);
        buffer.flip();
        position += buffer.limit();
        remaining -= buffer.limit();
        decode(info.dtype(), buffer, out, width);
      }
    }
  }

  private static void decode(String dtype, ByteBuffer in, FloatBuffer out, int width) {
    int count = in.remaining() / width;
    switch (dtype) {
      case "F32" -> out.put(in.asFloatBuffer());
      case "F16" -> {
        for (int i = 0; i < count; i++) {
          out.put(HalfFloats.halfToFloat(in.getShort()));
        }
      }
      case "BF16" -> {
        for (int i = 0; i < count; i++) {
          out.put(Float.intBitsToFloat((in.getShort() & 0xffff) << 16));
        }
      }
      case "F64" -> {
        for (int i = 0; i < count; i++) {
          out.put((float) in.getDouble());
        }
      }
      default -> throw new IllegalStateException("unsupported dtype " + dtype);
    }
  }

  static int bytesPer(String dtype, Path path) throws IOException {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> throw new IOException(path + ": unsupported tensor dtype " + dtype);
    };
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
  }
}
