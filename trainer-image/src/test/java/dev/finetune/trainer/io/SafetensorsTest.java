/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void writtenFilesHaveAnAlignedHeaderMetadataAndReadBack() throws IOException {
    Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
    tensors.put("b.weight", new SafetensorsWriter.Tensor(new long[] {3}, new float[] {1, 2, 3}));
    tensors.put(
        "a.weight", new SafetensorsWriter.Tensor(new long[] {2, 2}, new float[] {-1, 0.5f, 7, 8}));
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors);

    String header = SafetensorsWriter.headerText(file);
    assertThat((8 + header.length()) % 8).isZero();
    assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"a.weight\"");
    SafetensorsFile read = SafetensorsFile.open(file);
    assertThat(read.metadata()).containsEntry("format", "pt");
    assertThat(read.tensors().get("a.weight").shape()).containsExactly(2, 2);
    assertThat(read.readFloats("a.weight")).containsExactly(-1, 0.5f, 7, 8);
    assertThat(read.readFloats("b.weight")).containsExactly(1, 2, 3);
    assertThat(dir.resolve("model.safetensors.tmp")).doesNotExist();
  }

  @Test
  void halfAndBfloat16AreWidenedToFloat() throws IOException {
    // 1.5 = 0x3E00 (F16) = 0x3FC0 (BF16); -2 = 0xC000 (F16) = 0xC000 (BF16); 65504 = 0x7BFF (F16)
    Path file =
        raw(
            "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[6,10]}}",
            new short[] {0x3E00, (short) 0xC000, 0x7BFF, 0x3FC0, (short) 0xC000});
    SafetensorsFile read = SafetensorsFile.open(file);
    assertThat(read.readFloats("h")).containsExactly(1.5f, -2f, 65504f);
    assertThat(read.readFloats("b")).containsExactly(1.5f, -2f);
  }

  @Test
  void inconsistentOffsetsAreRejected() throws IOException {
    Path file =
        raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", new short[4]);
    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tensor x has inconsistent offsets");
    Path junk = dir.resolve("junk.safetensors");
    Files.write(junk, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> SafetensorsFile.open(junk)).isInstanceOf(IOException.class);
  }

  @Test
  void subnormalAndSpecialHalfValues() {
    assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
    assertThat(HalfFloats.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.halfToFloat((short) 0x7E00)).isNaN();
    assertThat(HalfFloats.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
  }

  private Path raw(String header, short[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + h.length + data.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (short s : data) {
      b.putShort(s);
    }
    Path file = dir.resolve("raw.safetensors");
    Files.write(file, b.array());
    return file;
  }
}
