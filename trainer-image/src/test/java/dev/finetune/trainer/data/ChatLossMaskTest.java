/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat examples learn the assistant turns and nothing else. */
class ChatLossMaskTest {
  static final String CONVERSATION =
      "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
          + " {\"role\": \"user\", \"content\": \"Which license?\"},"
          + " {\"role\": \"assistant\", \"content\": \"The GPL.\"},"
          + " {\"role\": \"user\", \"content\": \"Version?\"},"
          + " {\"role\": \"assistant\", \"content\": \"Version 3.\"}]}";

  @Test
  void fallbackTemplateScoresAssistantContentEndOfTurnAndEos() throws Exception {
    Path model = Fixtures.model("tiny-gpt2"); // no chat_template: the ChatML fallback
    try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
      Example example = build(model, tokenizer);
      assertThat(learnedText(example, tokenizer))
          .containsExactly("The GPL.<|im_end|>\n", "Version 3.<|im_end|>\n<|endoftext|>");
      assertThat(tokenizer.decode(example.ids()))
          .startsWith("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n");
    }
  }

  @Test
  void modelChatTemplateIsRenderedWithJinja(@TempDir Path dir) throws Exception {
    Path source = Fixtures.model("tiny-gpt2");
    for (String f : new String[] {"tokenizer.json", "config.json"}) {
      Files.copy(source.resolve(f), dir.resolve(f));
    }
    // A Qwen2-style template, as tokenizer_config.json carries it.
    String template =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' +"
            + " message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    var config = new ObjectMapper().createObjectNode();
    config.put("eos_token", "<|endoftext|>");
    config.put("chat_template", template);
    Files.writeString(dir.resolve("tokenizer_config.json"), config.toString());
    try (TextTokenizer tokenizer = TextTokenizer.load(dir)) {
      Example example = build(dir, tokenizer);
      assertThat(learnedText(example, tokenizer))
          .as("with a template, its end-of-turn closes the assistant turn; no extra EOS")
          .containsExactly("The GPL.<|im_end|>\n", "Version 3.<|im_end|>\n");
    }
  }

  @Test
  void weightZeroAssistantTurnsAreNotLearned() throws Exception {
    Path model = Fixtures.model("tiny-gpt2");
    try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
      String weighted =
          CONVERSATION.replace(
              "\"content\": \"The GPL.\"}", "\"content\": \"The GPL.\", \"weight\": 0}");
      Example example = build(model, tokenizer, weighted);
      assertThat(learnedText(example, tokenizer))
          .containsExactly("Version 3.<|im_end|>\n<|endoftext|>");
    }
  }

  private static Example build(Path model, TextTokenizer tokenizer) throws Exception {
    return build(model, tokenizer, CONVERSATION);
  }

  private static Example build(Path model, TextTokenizer tokenizer, String line) throws Exception {
    JsonNode json = new ObjectMapper().readTree(line);
    ExampleBuilder builder =
        new ExampleBuilder(tokenizer, 50256, 1024, ChatRenderer.forModel(model));
    return builder.build(new JsonlScan.Record(1, json), DataFormat.CHAT);
  }

  /** The learned tokens, decoded run by run. */
  private static List<String> learnedText(Example example, TextTokenizer tokenizer) {
    List<String> runs = new ArrayList<>();
    List<Long> run = new ArrayList<>();
    for (int t = 0; t <= example.length(); t++) {
      if (t < example.length() && example.scored()[t]) {
        run.add(example.ids()[t]);
      } else if (!run.isEmpty()) {
        runs.add(tokenizer.decode(run.stream().mapToLong(Long::longValue).toArray()));
        run.clear();
      }
    }
    return runs;
  }
}
