/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preference lines become pairs as TRL 1.13's DPOTrainer tokenizes them, and lines that cannot
 * become a pair are named with their numbers and reasons.
 */
class PreferenceDataTest {
  private static final Path LLAMA = Fixtures.model("tiny-llama");
  private static final Path GPT2 = Fixtures.model("tiny-gpt2");

  @Test
  void standardFormTokenizesPromptAndPromptPlusCompletionAndAppendsTheEosText(@TempDir Path dir)
      throws Exception {
    Path file =
        write(
            dir, "{\"prompt\": \"The sky is\", \"chosen\": \" blue.\", \"rejected\": \" green.\"}");
    try (TextTokenizer tokenizer = TextTokenizer.load(LLAMA)) {
      Example pair = load(file, LLAMA, tokenizer, 64).get(0);
      long[] prompt = tokenizer.encodeWithSpecialTokens("The sky is");
      String eos = "<|endoftext|>"; // tokenizer_config.json's eos_token
      assertThat(pair.ids()).isEqualTo(tokenizer.encodeWithSpecialTokens("The sky is blue." + eos));
      assertThat(pair.rejected().ids())
          .isEqualTo(tokenizer.encodeWithSpecialTokens("The sky is green." + eos));
      assertThat(pair.ids()[pair.ids().length - 1]).isEqualTo(ModelConfig.read(LLAMA).eosTokenId());
      // The completion mask: every token after the prompt's.
      for (int t = 0; t < pair.ids().length; t++) {
        assertThat(pair.scored()[t]).as("token " + t).isEqualTo(t >= prompt.length);
      }
      assertThat(pair.isPair()).isTrue();
      assertThat(pair.sequences()).isEqualTo(2);
    }
  }

  @Test
  void aTokenizerThatAddsBosAddsItToPromptAndCompletionsAsTokenizerTextDoes(@TempDir Path dir)
      throws Exception {
    // The fixtures' tokenizers add nothing; Llama's add BOS in their post-processor.
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    for (String f : new String[] {"config.json", "tokenizer_config.json"}) {
      Files.copy(LLAMA.resolve(f), model.resolve(f));
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode tokenizerJson = (ObjectNode) json.readTree(LLAMA.resolve("tokenizer.json").toFile());
    long bos = ModelConfig.read(LLAMA).eosTokenId();
    tokenizerJson.set(
        "post_processor",
        json.readTree(
            ("{'type': 'TemplateProcessing',"
                    + " 'single': [{'SpecialToken': {'id': '<|endoftext|>', 'type_id': 0}},"
                    + " {'Sequence': {'id': 'A', 'type_id': 0}}],"
                    + " 'pair': [{'Sequence': {'id': 'A', 'type_id': 0}},"
                    + " {'Sequence': {'id': 'B', 'type_id': 1}}],"
                    + " 'special_tokens': {'<|endoftext|>': {'id': '<|endoftext|>', 'ids': [BOS],"
                    + " 'tokens': ['<|endoftext|>']}}}")
                .replace('\'', '"')
                .replace("BOS", Long.toString(bos))));
    Files.writeString(model.resolve("tokenizer.json"), tokenizerJson.toString());
    Path file =
        write(
            dir, "{\"prompt\": \"The sky is\", \"chosen\": \" blue.\", \"rejected\": \" green.\"}");
    try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
      Example pair = load(file, model, tokenizer, 64).get(0);
      assertThat(pair.ids()[0]).as("BOS first").isEqualTo(bos);
      assertThat(Arrays.copyOfRange(pair.ids(), 1, pair.ids().length))
          .isEqualTo(tokenizer.encode("The sky is blue.<|endoftext|>"));
      int promptTokens = tokenizer.encode("The sky is").length + 1;
      assertThat(pair.scored()[promptTokens - 1]).isFalse();
      assertThat(pair.scored()[promptTokens]).isTrue();
    }
  }

  @Test
  void implicitPromptIsTheSharedStartWithTheSpaceGoingToTheCompletions() {
    String chosen = "The sky is blue.";
    String rejected = "The sky is green.";
    int cut = PreferenceBuilder.sharedStart(chosen, rejected);
    assertThat(chosen.substring(0, cut)).isEqualTo("The sky is");
    // One a prefix of the other: TRL's loop ends at the shorter one's last character.
    assertThat(PreferenceBuilder.sharedStart("abc", "abcd")).isEqualTo(2);
    assertThat(PreferenceBuilder.sharedStart("x", "y")).isZero();
  }

  @Test
  void implicitFormGivesTheSamePairAsTheStandardForm(@TempDir Path dir) throws Exception {
    Path standard =
        write(
            dir, "{\"prompt\": \"The sky is\", \"chosen\": \" blue.\", \"rejected\": \" green.\"}");
    Path implicit =
        Files.writeString(
            dir.resolve("implicit.jsonl"),
            "{\"chosen\": \"The sky is blue.\", \"rejected\": \"The sky is green.\"}\n");
    try (TextTokenizer tokenizer = TextTokenizer.load(GPT2)) {
      Example a = load(standard, GPT2, tokenizer, 64).get(0);
      Example b = load(implicit, GPT2, tokenizer, 64).get(0);
      assertThat(b.ids()).isEqualTo(a.ids());
      assertThat(b.scored()).isEqualTo(a.scored());
      assertThat(b.rejected().ids()).isEqualTo(a.rejected().ids());
    }
  }

  @Test
  void conversationalFormRendersPromptWithGenerationPromptAndScoresTheAnswer(@TempDir Path dir)
      throws Exception {
    Path file =
        write(
            dir,
            "{\"prompt\": [{\"role\": \"user\", \"content\": \"Which license?\"}],"
                + " \"chosen\": [{\"role\": \"assistant\", \"content\": \"The GPL.\"}],"
                + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"The MIT license.\"}]}");
    try (TextTokenizer tokenizer = TextTokenizer.load(GPT2)) { // no template: ChatML
      Example pair = load(file, GPT2, tokenizer, 64).get(0);
      assertThat(tokenizer.decode(pair.ids()))
          .isEqualTo(
              "<|im_start|>user\nWhich license?<|im_end|>\n<|im_start|>assistant\n"
                  + "The GPL.<|im_end|>\n<|endoftext|>");
      assertThat(tokenizer.decode(completion(pair))).isEqualTo("The GPL.<|im_end|>\n<|endoftext|>");
      assertThat(tokenizer.decode(completion(pair.rejected())))
          .isEqualTo("The MIT license.<|im_end|>\n<|endoftext|>");
    }
  }

  @Test
  void longPairsAreCutKeepingTheStart(@TempDir Path dir) throws Exception {
    Path file =
        write(
            dir,
            "{\"prompt\": \"Q:\", \"chosen\": \" one two three four five six seven eight nine\","
                + " \"rejected\": \" no\"}");
    try (TextTokenizer tokenizer = TextTokenizer.load(GPT2)) {
      Example pair = load(file, GPT2, tokenizer, 6).get(0);
      assertThat(pair.ids()).hasSize(6);
      assertThat(pair.truncated()).isTrue();
      assertThat(pair.rejected().truncated()).isFalse();
    }
  }

  @Test
  void badPairsAreNamedByLine(@TempDir Path dir) throws Exception {
    Path file =
        write(
            dir,
            "{\"prompt\": \"Q:\", \"chosen\": \" yes\", \"rejected\": \" no\"}",
            "{\"prompt\": \"Q:\", \"chosen\": \" yes\"}",
            "{\"prompt\": \"Q:\", \"chosen\": \"\", \"rejected\": \" no\"}",
            "{\"prompt\": \"Q:\", \"chosen\": \" same\", \"rejected\": \" same\"}",
            "{\"prompt\": \"Answer: \", \"chosen\": \"yes\", \"rejected\": \"no\"}",
            "{\"prompt\": \"one two three four five six seven eight\", \"chosen\": \" a\","
                + " \"rejected\": \" b\"}",
            "{\"prompt\": [{\"role\": \"user\", \"content\": \"Q\"}], \"chosen\": \" yes\","
                + " \"rejected\": \" no\"}",
            "{\"prompt\": [{\"role\": \"user\", \"content\": \"Q\"}],"
                + " \"chosen\": [{\"role\": \"user\", \"content\": \"yes\"}],"
                + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"no\"}]}");
    try (TextTokenizer tokenizer = TextTokenizer.load(GPT2)) {
      assertThatThrownBy(() -> load(file, GPT2, tokenizer, 6))
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining("7 invalid line(s)")
          .hasMessageContaining("line 2: missing field \"rejected\"")
          .hasMessageContaining("line 3: field \"chosen\" is empty")
          .hasMessageContaining("line 4: \"chosen\" and \"rejected\" are the same")
          .hasMessageContaining(
              "line 5: the tokens of \"prompt\" are not the start of prompt + chosen's")
          .hasMessageContaining("and 3 more");
      // The list stops at a length limit; the rest are counted in "and N more".
      List<LineError> errors =
          Datasets.load(file, DataFormat.PREFERENCE, builder(GPT2, tokenizer, 6), true).skipped();
      assertThat(errors).extracting(LineError::line).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
      assertThat(errors.get(4).reason())
          .isEqualTo(
              "\"prompt\" is 8 tokens, which fills maxLength 6 and leaves no completion token to"
                  + " compare; shorten it or raise maxLength");
      assertThat(errors.get(5).reason()).contains("\"prompt\" must be a string");
      assertThat(errors.get(6).reason()).contains("chosen[0].role must be assistant");
    }
  }

  private static long[] completion(Example e) {
    int first = 0;
    while (!e.scored()[first]) {
      first++;
    }
    return Arrays.copyOfRange(e.ids(), first, e.ids().length);
  }

  private static List<Example> load(Path file, Path model, TextTokenizer tokenizer, int maxLength) {
    return Datasets.load(file, DataFormat.PREFERENCE, builder(model, tokenizer, maxLength), false)
        .examples();
  }

  private static ExampleBuilder builder(Path model, TextTokenizer tokenizer, int maxLength) {
    return ExampleBuilder.forModel(tokenizer, ModelConfig.read(model), model, maxLength);
  }

  private static Path write(Path dir, String... lines) throws Exception {
    return Files.write(dir.resolve("pairs.jsonl"), List.of(lines));
  }
}
