/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import dev.finetune.trainer.TrainerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an OpenAI-format conversation into tokens and a loss mask. The text comes from the model's
 * chat template ({@code chat_template} in tokenizer_config.json, rendered with Jinjava); a model
 * without one gets the documented fallback, ChatML: {@code <|im_start|>ROLE\nCONTENT<|im_end|>\n}
 * per message, then the EOS token.
 *
 * <p>Only assistant turns are learned. To find them, the conversation is rendered message by
 * message: the text an assistant message adds after the generation prompt (its content and the
 * template's end-of-turn text) is learned; everything else (system, user, the assistant header) is
 * not. Each piece is tokenized on its own, as prompt and completion are.
 */
public final class ChatRenderer {
  private final String template;
  private final Map<String, Object> specialTokens;
  private final Jinjava jinjava =
      new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(false).withLstripBlocks(false).build());

  /** The tokens of a conversation and which of them are learned. */
  public record Tokens(long[] ids, boolean[] learned) {}

  private ChatRenderer(String template, Map<String, Object> specialTokens) {
    this.template = template;
    this.specialTokens = specialTokens;
  }

  public static ChatRenderer forModel(Path modelDir) {
    Path file = modelDir.resolve("tokenizer_config.json");
    Map<String, Object> special = new HashMap<>();
    String template = null;
    if (Files.isRegularFile(file)) {
      try {
        JsonNode config = new ObjectMapper().readTree(file.toFile());
        for (String name : new String[] {"bos_token", "eos_token", "pad_token", "unk_token"}) {
          JsonNode value = config.path(name);
          special.put(name, value.isObject() ? value.path("content").asText() : value.asText(""));
        }
        JsonNode t = config.path("chat_template");
        if (t.isTextual()) {
          template = t.asText();
        } else if (t.isArray()) {
          for (JsonNode named : t) {
            if ("default".equals(named.path("name").asText())) {
              template = named.path("template").asText();
            }
          }
        }
      } catch (IOException e) {
        throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
      }
    }
    return new ChatRenderer(template, special);
  }

  /** Whether the model has a chat template (else the ChatML fallback renders). */
  boolean hasTemplate() {
    return template != null;
  }

  /** A special token's text from tokenizer_config.json ({@code eos_token}, …), or empty. */
  String specialToken(String name) {
    Object value = specialTokens.get(name);
    return value == null ? "" : value.toString();
  }

  /** Messages as the template sees them: role and content. */
  static List<Map<String, Object>> messages(JsonNode messages) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (JsonNode m : messages) {
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("role", m.get("role").asText());
      message.put("content", m.get("content").asText());
      list.add(message);
    }
    return list;
  }

  public Tokens tokens(JsonNode messages, TextTokenizer tokenizer, long eosTokenId) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (JsonNode m : messages) {
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("role", m.get("role").asText());
      message.put("content", m.get("content").asText());
      list.add(message);
    }
    List<long[]> pieces = new ArrayList<>();
    List<Boolean> learnedPieces = new ArrayList<>();
    String done = "";
    for (int i = 0; i < list.size(); i++) {
      boolean assistant = "assistant".equals(list.get(i).get("role"));
      boolean weighted =
          !messages.get(i).has("weight") || messages.get(i).get("weight").asInt() == 1;
      if (assistant) {
        String header = render(list.subList(0, i), true);
        done = add(done, header, false, tokenizer, pieces, learnedPieces);
      }
      String through = render(list.subList(0, i + 1), false);
      done = add(done, through, assistant && weighted, tokenizer, pieces, learnedPieces);
    }
    if (template == null) {
      pieces.add(new long[] {eosTokenId});
      learnedPieces.add(true);
    }
    int total = pieces.stream().mapToInt(p -> p.length).sum();
    long[] ids = new long[total];
    boolean[] learned = new boolean[total];
    int at = 0;
    for (int p = 0; p < pieces.size(); p++) {
      long[] piece = pieces.get(p);
      System.arraycopy(piece, 0, ids, at, piece.length);
      java.util.Arrays.fill(learned, at, at + piece.length, learnedPieces.get(p));
      at += piece.length;
    }
    return new Tokens(ids, learned);
  }

  private String add(
      String done,
      String next,
      boolean learned,
      TextTokenizer tokenizer,
      List<long[]> pieces,
      List<Boolean> learnedPieces) {
    if (!next.startsWith(done)) {
      throw TrainerException.data(
          "the chat template does not render a conversation as a prefix of its continuation;"
              + " assistant turns cannot be located");
    }
    String added = next.substring(done.length());
    if (!added.isEmpty()) {
      pieces.add(tokenizer.encode(added));
      learnedPieces.add(learned);
    }
    return next;
  }

  String render(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
    if (template == null) {
      StringBuilder out = new StringBuilder();
      for (Map<String, Object> m : messages) {
        out.append("<|im_start|>").append(m.get("role")).append('\n');
        out.append(m.get("content")).append("<|im_end|>\n");
      }
      if (addGenerationPrompt) {
        out.append("<|im_start|>assistant\n");
      }
      return out.toString();
    }
    Map<String, Object> context = new HashMap<>(specialTokens);
    context.put("messages", messages);
    context.put("add_generation_prompt", addGenerationPrompt);
    return jinjava.render(template, context);
  }
}
