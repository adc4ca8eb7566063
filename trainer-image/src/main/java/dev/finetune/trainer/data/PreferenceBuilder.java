/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds a preference pair as TRL 1.13's DPOTrainer tokenizes it ({@code _prepare_dataset} and
 * {@code DataCollatorForPreference}):
 *
 * <ul>
 *   <li>no {@code prompt} field (implicit prompt): the longest shared start of chosen and rejected
 *       becomes the prompt, as TRL's {@code extract_prompt} cuts it (characters of strings, one
 *       space left to the completions; whole messages of conversations);
 *   <li>strings (standard form): the EOS token's text is appended to chosen and rejected unless
 *       they end with it; prompt and prompt + completion are tokenized with the tokenizer's special
 *       tokens ({@code tokenizer(text)}), and the completion's ids are prompt + completion's after
 *       the prompt's;
 *   <li>messages (conversational form): the chat template renders the prompt with the generation
 *       prompt, and prompt + completion without; both tokenized as rendered;
 *   <li>each sequence is cut to maxLength tokens keeping the start; the completion mask marks the
 *       completion's tokens.
 * </ul>
 *
 * <p>Where TRL warns or silently drops, a line is refused with its reason: a prompt whose tokens
 * are not the start of prompt + completion's (the tokenizer merged across the boundary, so the
 * completion's first tokens would be wrong), and a prompt that fills maxLength (no completion token
 * would be left to compare).
 */
final class PreferenceBuilder {
  private final TextTokenizer tokenizer;
  private final ChatRenderer chat;
  private final String eosText;
  private final long eosTokenId;
  private final int maxLength;

  PreferenceBuilder(TextTokenizer tokenizer, ChatRenderer chat, long eosTokenId, int maxLength) {
    this.tokenizer = tokenizer;
    this.chat = chat;
    this.eosTokenId = eosTokenId;
    this.maxLength = maxLength;
    String eos = chat.specialToken("eos_token");
    this.eosText = eos.isEmpty() ? tokenizer.decode(new long[] {eosTokenId}) : eos;
  }

  /**
   * The pair of {@code record}, the line's fields already checked by {@link RecordRules}.
   *
   * @throws RejectedLine when its tokens cannot make a pair
   */
  Example build(JsonlScan.Record record) {
    JsonNode json = record.json();
    JsonNode prompt = json.get("prompt");
    JsonNode chosen = json.get("chosen");
    JsonNode rejected = json.get("rejected");
    if (chosen.isTextual()) {
      String p = prompt != null ? prompt.asText() : null;
      String c = chosen.asText();
      String r = rejected.asText();
      if (p == null) {
        int cut = sharedStart(c, r);
        p = c.substring(0, cut);
        c = c.substring(cut);
        r = r.substring(cut);
      }
      return standard(record.line(), p, withEos(c), withEos(r));
    }
    List<Map<String, Object>> c = ChatRenderer.messages(chosen);
    List<Map<String, Object>> r = ChatRenderer.messages(rejected);
    List<Map<String, Object>> p;
    if (prompt != null) {
      p = ChatRenderer.messages(prompt);
    } else {
      int cut = sharedTurns(c, r);
      p = new ArrayList<>(c.subList(0, cut));
      c = c.subList(cut, c.size());
      r = r.subList(cut, r.size());
    }
    return conversational(record.line(), p, c, r);
  }

  private Example standard(long line, String prompt, String chosen, String rejected) {
    long[] promptIds = tokenizer.encodeWithSpecialTokens(prompt);
    return pair(
        line,
        promptIds,
        tokenizer.encodeWithSpecialTokens(prompt + chosen),
        tokenizer.encodeWithSpecialTokens(prompt + rejected),
        "\"prompt\"");
  }

  private Example conversational(
      long line,
      List<Map<String, Object>> prompt,
      List<Map<String, Object>> chosen,
      List<Map<String, Object>> rejected) {
    long[] promptIds = rendered(prompt, true, false);
    return pair(
        line,
        promptIds,
        rendered(concat(prompt, chosen), false, true),
        rendered(concat(prompt, rejected), false, true),
        "the rendered prompt");
  }

  /**
   * Tokens of the conversation as the chat template renders it (tokenized as rendered, as {@code
   * apply_chat_template} does). A model without a template gets ChatML, whose completions end with
   * the EOS token, as chat data's fallback does.
   */
  private long[] rendered(
      List<Map<String, Object>> messages, boolean generationPrompt, boolean completion) {
    long[] ids = tokenizer.encode(chat.render(messages, generationPrompt));
    if (completion && !chat.hasTemplate()) {
      ids = Arrays.copyOf(ids, ids.length + 1);
      ids[ids.length - 1] = eosTokenId;
    }
    return ids;
  }

  private Example pair(
      long line, long[] prompt, long[] withChosen, long[] withRejected, String promptName) {
    checkPrefix(prompt, withChosen, "chosen", promptName);
    checkPrefix(prompt, withRejected, "rejected", promptName);
    if (prompt.length >= maxLength) {
      throw new RejectedLine(
          promptName
              + " is "
              + prompt.length
              + " tokens, which fills maxLength "
              + maxLength
              + " and leaves no completion token to compare; shorten it or raise maxLength");
    }
    return Example.pair(
        sequence(line, prompt.length, withChosen), sequence(line, prompt.length, withRejected));
  }

  private Example sequence(long line, int promptLength, long[] ids) {
    int n = Math.min(ids.length, maxLength);
    boolean[] completion = new boolean[n];
    Arrays.fill(completion, promptLength, n, true);
    return new Example(line, Arrays.copyOf(ids, n), completion, n < ids.length);
  }

  private static void checkPrefix(
      long[] prompt, long[] full, String completion, String promptName) {
    if (full.length <= prompt.length
        || !Arrays.equals(prompt, Arrays.copyOf(full, prompt.length))) {
      throw new RejectedLine(
          "the tokens of "
              + promptName
              + " are not the start of prompt + "
              + completion
              + "'s (the tokenizer joins text across the boundary, so the completion's first"
              + " tokens would be wrong): end the prompt at a word boundary, e.g. move a trailing"
              + " space to the start of the completions");
    }
  }

  private String withEos(String completion) {
    return completion.endsWith(eosText) ? completion : completion + eosText;
  }

  /**
   * Where TRL's {@code extract_prompt} cuts two strings: at the first character that differs, one
   * earlier when the character before it is a space (the space goes with the completions); when one
   * is the start of the other, at the shorter one's last character, as its loop ends there.
   */
  static int sharedStart(String chosen, String rejected) {
    int[] c = chosen.codePoints().toArray();
    int[] r = rejected.codePoints().toArray();
    int n = Math.min(c.length, r.length);
    int cut = Math.max(0, n - 1);
    for (int i = 0; i < n; i++) {
      if (c[i] != r[i]) {
        cut = i > 0 && c[i - 1] == ' ' ? i - 1 : i;
        break;
      }
    }
    return chosen.offsetByCodePoints(0, cut);
  }

  /** The same over whole messages: how many leading turns the two conversations share. */
  static int sharedTurns(List<Map<String, Object>> chosen, List<Map<String, Object>> rejected) {
    int n = Math.min(chosen.size(), rejected.size());
    for (int i = 0; i < n; i++) {
      if (!chosen.get(i).equals(rejected.get(i))) {
        return i;
      }
    }
    return Math.max(0, n - 1);
  }

  private static List<Map<String, Object>> concat(
      List<Map<String, Object>> a, List<Map<String, Object>> b) {
    List<Map<String, Object>> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
