/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.trainer.TrainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model's own tokenizer.json through DJL's Hugging Face tokenizers binding, set up to add
 * nothing and cut nothing: no special tokens, no truncation (DJL's default would silently cut at
 * 512 tokens), no padding. Truncation to maxLength is the example builder's job.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final Path directory;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, Path directory) {
    this.tokenizer = tokenizer;
    this.directory = directory;
  }

  /** The model folder it was loaded from (tokenizer_config.json and the configs sit there). */
  public Path directory() {
    return directory;
  }

  public static TextTokenizer load(Path modelDir) {
    Path file = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw TrainerException.config(modelDir + " has no tokenizer.json");
    }
    try {
      return new TextTokenizer(
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(file)
              .optAddSpecialTokens(false)
              .optTruncation(false)
              .optPadding(false)
              .build(),
          modelDir);
    } catch (IOException | RuntimeException e) {
      throw TrainerException.config("cannot load " + file + ": " + e.getMessage());
    }
  }

  public long[] encode(String text) {
    if (text.isEmpty()) {
      return new long[0];
    }
    return tokenizer.encode(text, false, false).getIds();
  }

  /**
   * As Hugging Face's {@code tokenizer(text)} does by default: with the special tokens the
   * tokenizer's post-processor adds (Llama's BOS, for one). TRL tokenizes preference prompts so.
   */
  public long[] encodeWithSpecialTokens(String text) {
    return tokenizer.encode(text, true, false).getIds();
  }

  public String decode(long[] ids) {
    return tokenizer.decode(ids, false);
  }

  /**
   * With {@code skipSpecialTokens}, as Hugging Face's {@code decode(ids,
   * skip_special_tokens=True)}: the tokenizer's special tokens (EOS, padding, …) are left out of
   * the text.
   */
  public String decode(long[] ids, boolean skipSpecialTokens) {
    return tokenizer.decode(ids, skipSpecialTokens);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
