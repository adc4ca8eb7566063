/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.model.ModelConfig;
import dev.finetune.trainer.model.ModelLoader;
import java.util.Arrays;

/**
 * Builds examples as ../shared/fixtures/SEMANTICS.md section 2 defines them: text is {@code
 * encode(text) + [eos]} with every token after the first scored; prompt/completion encodes the two
 * parts separately and scores the completion (and EOS) only; chat scores assistant turns only (see
 * {@link ChatRenderer}). Everything is cut to maxLength tokens, keeping the start.
 */
public final class ExampleBuilder {
  private final TextTokenizer tokenizer;
  private final int eosTokenId;
  private final int maxLength;
  private final ChatRenderer chat;
  private final PreferenceBuilder preference;

  /**
   * Examples for a loaded model: its end-of-text token and chat template, at most {@code maxLength}
   * tokens each, which must fit the model's positions.
   */
  public static ExampleBuilder forModel(
      TextTokenizer tokenizer, ModelLoader.LoadedModel model, int maxLength) {
    return forModel(tokenizer, model.block().config(), model.directory(), maxLength);
  }

  /** As above, from the model's config and folder alone (nothing loaded but the tokenizer). */
  public static ExampleBuilder forModel(
      TextTokenizer tokenizer, ModelConfig config, java.nio.file.Path modelDir, int maxLength) {
    int positions = config.maxPositions();
    if (maxLength > positions) {
      throw TrainerException.config(
          "--max-length " + maxLength + " is longer than the model's " + positions + " positions");
    }
    return new ExampleBuilder(
        tokenizer, config.eosTokenId(), maxLength, ChatRenderer.forModel(modelDir));
  }

  public ExampleBuilder(TextTokenizer tokenizer, int eosTokenId, int maxLength, ChatRenderer chat) {
    this.tokenizer = tokenizer;
    this.eosTokenId = eosTokenId;
    this.maxLength = maxLength;
    this.chat = chat;
    this.preference = new PreferenceBuilder(tokenizer, chat, eosTokenId, maxLength);
  }

  /**
   * The example of a valid line; a preference line is a pair ({@link Example#isPair()}).
   *
   * @throws RejectedLine when the line's tokens cannot make an example
   */
  public Example build(JsonlScan.Record record, DataFormat format) {
    JsonNode json = record.json();
    return switch (format) {
      case TEXT -> {
        long[] ids = withEos(tokenizer.encode(json.get("text").asText()));
        yield truncate(record.line(), ids, 1);
      }
      case PROMPT_COMPLETION -> {
        long[] prompt = tokenizer.encode(json.get("prompt").asText());
        long[] completion = tokenizer.encode(json.get("completion").asText());
        long[] ids = withEos(concat(prompt, completion));
        yield truncate(record.line(), ids, Math.max(1, prompt.length));
      }
      case CHAT -> {
        ChatRenderer.Tokens tokens = chat.tokens(json.get("messages"), tokenizer, eosTokenId);
        yield truncate(record.line(), tokens.ids(), tokens.learned());
      }
      case PREFERENCE -> preference.build(record);
    };
  }

  private Example truncate(long line, long[] ids, int scoreFrom) {
    boolean[] scored = new boolean[ids.length];
    for (int t = Math.max(1, scoreFrom); t < ids.length; t++) {
      scored[t] = true;
    }
    return truncate(line, ids, scored);
  }

  private Example truncate(long line, long[] ids, boolean[] learned) {
    int n = Math.min(ids.length, maxLength);
    boolean[] scored = Arrays.copyOf(learned, n);
    if (n > 0) {
      scored[0] = false; // nothing predicts the first token
    }
    return new Example(line, Arrays.copyOf(ids, n), scored, n < ids.length);
  }

  private long[] withEos(long[] ids) {
    long[] out = Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = eosTokenId;
    return out;
  }

  static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
