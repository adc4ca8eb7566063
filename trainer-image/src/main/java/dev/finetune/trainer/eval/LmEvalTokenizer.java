/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The model's tokenizer as lm-evaluation-harness 0.4.13's {@code hf} backend uses it
 * (lm_eval/models/huggingface.py, lm_eval/api/model.py):
 *
 * <ul>
 *   <li>{@code tok_encode}: Hugging Face's default {@code tokenizer.encode(s)}, i.e. with the
 *       special tokens the tokenizer adds (Llama's BOS; GPT-2's none), unless {@code s} already
 *       starts with the text of the prefix token;
 *   <li>{@code _encode_pair}: the context's trailing whitespace moves to the continuation, then
 *       context + continuation is encoded whole and the continuation is what follows the context's
 *       own encoding;
 *   <li>an empty context is the prefix token ({@code prefix_token_id}: BOS, else EOS) unless the
 *       continuation starts with it;
 *   <li>{@code tok_batch_encode} (generation prompts): special tokens unless the prompt starts with
 *       the BOS token's text;
 *   <li>{@code tok_decode}: special tokens skipped.
 * </ul>
 */
public final class LmEvalTokenizer {
  private final TextTokenizer tokenizer;
  private final long prefixTokenId;
  private final String prefixText;
  private final String bosText;
  private final String eosText;
  private final boolean cleanUpSpaces;

  LmEvalTokenizer(
      TextTokenizer tokenizer,
      long prefixTokenId,
      String prefixText,
      String bosText,
      String eosText,
      boolean cleanUpSpaces) {
    this.tokenizer = tokenizer;
    this.prefixTokenId = prefixTokenId;
    this.prefixText = prefixText;
    this.bosText = bosText;
    this.eosText = eosText;
    this.cleanUpSpaces = cleanUpSpaces;
  }

  /**
   * From the model folder's tokenizer_config.json: {@code bos_token} and {@code eos_token} (their
   * ids through the tokenizer), and {@code clean_up_tokenization_spaces}, which transformers 5
   * applies in decode for tokenizers other than BPE. Without an EOS token there, the model's {@code
   * eos_token_id}.
   */
  public static LmEvalTokenizer forModel(Path modelDir, TextTokenizer tokenizer, long modelEos) {
    JsonNode config = readConfig(modelDir.resolve("tokenizer_config.json"));
    String bos = tokenText(config.path("bos_token"));
    String eos = tokenText(config.path("eos_token"));
    Long bosId = bos == null ? null : singleId(tokenizer, bos);
    Long eosId = eos == null ? null : singleId(tokenizer, eos);
    long eot = eosId != null ? eosId : modelEos;
    long prefix = bosId != null ? bosId : eot;
    boolean cleanUp =
        config.path("clean_up_tokenization_spaces").asBoolean(false)
            && !"BPE".equals(tokenizerModelType(modelDir.resolve("tokenizer.json")));
    return new LmEvalTokenizer(
        tokenizer,
        prefix,
        tokenizer.decode(new long[] {prefix}),
        bos,
        tokenizer.decode(new long[] {eot}),
        cleanUp);
  }

  /** The token an empty context stands for. */
  public long prefixTokenId() {
    return prefixTokenId;
  }

  /** The EOS token's text: lm-eval adds it to a generation's stop sequences. */
  public String eosText() {
    return eosText;
  }

  /** lm-eval's {@code tok_encode(s)}. */
  public long[] encode(String s) {
    if (prefixText != null && s.startsWith(prefixText)) {
      return tokenizer.encode(s);
    }
    return tokenizer.encodeWithSpecialTokens(s);
  }

  /** A context's and a continuation's tokens as lm-eval's {@code loglikelihood} scores them. */
  public record Pair(long[] context, long[] continuation) {}

  /** lm-eval's encoding of a (context, continuation) request. */
  public Pair encodePair(String context, String continuation) {
    if (context.isEmpty()) {
      long[] cont = tokenizer.encode(continuation);
      if (cont.length > 0 && cont[0] == prefixTokenId) {
        return new Pair(Arrays.copyOfRange(cont, 0, 1), Arrays.copyOfRange(cont, 1, cont.length));
      }
      return new Pair(new long[] {prefixTokenId}, cont);
    }
    int spaces = trailingWhitespace(context);
    if (spaces > 0) {
      continuation = context.substring(context.length() - spaces) + continuation;
      context = context.substring(0, context.length() - spaces);
    }
    long[] whole = encode(context + continuation);
    long[] ctx = encode(context);
    long[] cont =
        whole.length >= ctx.length
            ? Arrays.copyOfRange(whole, ctx.length, whole.length)
            : new long[0];
    return new Pair(ctx, cont);
  }

  /** lm-eval's {@code tok_batch_encode} of one generation prompt (before its left truncation). */
  public long[] encodePrompt(String prompt) {
    if (bosText != null && prompt.startsWith(bosText)) {
      return tokenizer.encode(prompt);
    }
    return tokenizer.encodeWithSpecialTokens(prompt);
  }

  /** lm-eval's {@code tok_decode}: special tokens skipped. */
  public String decode(long[] ids) {
    String text = tokenizer.decode(ids, true);
    return cleanUpSpaces ? cleanUp(text) : text;
  }

  /** transformers' {@code clean_up_tokenization}. */
  static String cleanUp(String text) {
    return text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }

  /** How many characters Python's {@code s.rstrip()} would remove from the end of {@code s}. */
  static int trailingWhitespace(String s) {
    int n = 0;
    while (n < s.length() && isPythonSpace(s.charAt(s.length() - 1 - n))) {
      n++;
    }
    return n;
  }

  /** Python's {@code str.isspace()} for one character (all such characters are in the BMP). */
  static boolean isPythonSpace(char c) {
    return (c >= 0x09 && c <= 0x0d)
        || (c >= 0x1c && c <= 0x20)
        || c == 0x85
        || c == 0xa0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200a)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202f
        || c == 0x205f
        || c == 0x3000;
  }

  private static JsonNode readConfig(Path file) {
    if (!Files.isRegularFile(file)) {
      return new ObjectMapper().createObjectNode();
    }
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** A special token's text: a string, or an AddedToken object's {@code content}; null if none. */
  private static String tokenText(JsonNode value) {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isObject() && value.path("content").isTextual()) {
      return value.path("content").asText();
    }
    return null;
  }

  /** The id of a special token's text (it encodes to one token), or null. */
  private static Long singleId(TextTokenizer tokenizer, String text) {
    long[] ids = tokenizer.encode(text);
    return ids.length == 1 ? ids[0] : null;
  }

  /**
   * tokenizer.json's {@code model.type} (BPE, Unigram, WordPiece, …), streamed: the file is big.
   */
  private static String tokenizerModelType(Path file) {
    try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (!"model".equals(field)) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          p.nextToken();
          if ("type".equals(inner)) {
            return p.getValueAsString();
          }
          p.skipChildren();
        }
        return null;
      }
      return null;
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
  }
}
