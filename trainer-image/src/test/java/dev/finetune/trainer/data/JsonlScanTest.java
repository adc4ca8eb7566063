/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.DataFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlScanTest {
  @TempDir Path dir;

  @Test
  void crlfAndAMissingFinalNewlineAreFine() throws Exception {
    Path file = dir.resolve("d.jsonl");
    Files.writeString(file, "{\"text\": \"a\"}\r\n{\"text\": \"b\"}");
    JsonlScan.Result scan = JsonlScan.scan(file, DataFormat.TEXT, 1024);
    assertThat(scan.errors()).isEmpty();
    assertThat(scan.records()).hasSize(2);
  }

  @Test
  void promptCompletionAndChatRules() throws Exception {
    Path file = dir.resolve("pc.jsonl");
    Files.writeString(
        file,
        String.join(
            "\n",
            "{\"prompt\": \"\", \"completion\": \"ok\"}",
            "{\"prompt\": \"p\"}",
            "{\"prompt\": 1, \"completion\": \"x\"}",
            ""));
    assertThat(JsonlScan.scan(file, DataFormat.PROMPT_COMPLETION, 1024).errors())
        .extracting(LineError::toString)
        .containsExactly(
            "line 2: missing field \"completion\"",
            "line 3: field \"prompt\" must be a string, found a number");

    Path chat = dir.resolve("chat.jsonl");
    Files.writeString(
        chat,
        String.join(
            "\n",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
            "{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}",
            "{\"messages\": []}",
            "{\"messages\": [{\"role\": \"assistant\", \"content\": \"x\", \"weight\": 2}]}"));
    assertThat(JsonlScan.scan(chat, DataFormat.CHAT, 1024).errors())
        .extracting(LineError::toString)
        .containsExactly(
            "line 2: no assistant message to learn from",
            "line 3: messages[0].role must be system, user or assistant",
            "line 4: field \"messages\" must be a non-empty array",
            "line 5: messages[0].weight must be 0 or 1");
  }

  @Test
  void invalidUtf8IsReported() throws Exception {
    Path file = dir.resolve("bin.jsonl");
    byte[] bad = "{\"text\": \"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, bad);
    assertThat(JsonlScan.scan(file, DataFormat.TEXT, 1024).errors())
        .extracting(LineError::reason)
        .containsExactly("not valid UTF-8");
  }
}
