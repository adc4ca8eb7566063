/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Models built into the trainer, for a first run with no download: {@code preset://NAME} becomes a
 * Hugging Face model folder (config.json, tokenizer.json, model.safetensors) written once into the
 * cache. The weights are GPT-2's initialisation (normal 0.02, zero biases, unit norms) from a fixed
 * seed, so every machine gets the same model; the tokenizer is byte-level BPE without merges (one
 * token per UTF-8 byte, plus {@code <|endoftext|>}), so any text can be trained on.
 */
public final class Presets {
  public static final String SCHEME = "preset://";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A GPT-2 shape. */
  record Shape(int layers, int hidden, int heads, int positions) {}

  private static final Map<String, Shape> PRESETS =
      Map.of(
          "tiny-gpt2-bytes",
          new Shape(2, 64, 4, 256),
          "small-gpt2-bytes",
          new Shape(4, 128, 4, 512));

  private static final int VOCAB = 257;
  private static final int EOS = 256;

  private Presets() {}

  public static boolean matches(String source) {
    return source.startsWith(SCHEME);
  }

  /** The model folder of {@code preset://NAME} under {@code cache}, written if missing. */
  public static Path materialize(String source, Path cache) {
    String name = source.substring(SCHEME.length());
    Shape shape = PRESETS.get(name);
    if (shape == null) {
      throw TrainerException.config(
          source + " is not a built-in model (known: " + String.join(", ", PRESETS.keySet()) + ")");
    }
    Path dir = cache.resolve("presets").resolve(name);
    if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
      return dir;
    }
    Path temp = cache.resolve("presets").resolve(name + ".tmp");
    try {
      Files.createDirectories(temp);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(temp.resolve("config.json").toFile(), config(shape));
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(temp.resolve("tokenizer.json").toFile(), tokenizer());
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(
              temp.resolve("tokenizer_config.json").toFile(),
              JSON.createObjectNode()
                  .put("eos_token", "<|endoftext|>")
                  .put("bos_token", "<|endoftext|>")
                  .put("model_max_length", shape.positions()));
      SafetensorsWriter.write(temp.resolve("model.safetensors"), weights(shape));
      Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the preset model to " + dir, e);
    }
  }

  private static ObjectNode config(Shape s) {
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", "gpt2");
    c.putArray("architectures").add("GPT2LMHeadModel");
    c.put("vocab_size", VOCAB);
    c.put("n_positions", s.positions());
    c.put("n_embd", s.hidden());
    c.put("n_layer", s.layers());
    c.put("n_head", s.heads());
    c.put("activation_function", "gelu_new");
    c.put("layer_norm_epsilon", 1e-5);
    c.put("bos_token_id", EOS);
    c.put("eos_token_id", EOS);
    c.put("tie_word_embeddings", true);
    c.put("torch_dtype", "float32");
    return c;
  }

  /** GPT-2's byte-to-character table: printable bytes stand for themselves, the rest are moved. */
  static List<String> byteSymbols() {
    List<Integer> bytes = new ArrayList<>();
    for (int b = '!'; b <= '~'; b++) {
      bytes.add(b);
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      bytes.add(b);
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      bytes.add(b);
    }
    String[] symbols = new String[256];
    bytes.forEach(b -> symbols[b] = String.valueOf((char) (int) b));
    int next = 0;
    for (int b = 0; b < 256; b++) {
      if (symbols[b] == null) {
        symbols[b] = String.valueOf((char) (256 + next++));
      }
    }
    return List.of(symbols);
  }

  private static ObjectNode tokenizer() {
    ObjectNode t = JSON.createObjectNode();
    t.put("version", "1.0");
    t.putNull("truncation");
    t.putNull("padding");
    ArrayNode added = t.putArray("added_tokens");
    added
        .addObject()
        .put("id", EOS)
        .put("content", "<|endoftext|>")
        .put("single_word", false)
        .put("lstrip", false)
        .put("rstrip", false)
        .put("normalized", false)
        .put("special", true);
    t.putNull("normalizer");
    t.putObject("pre_tokenizer")
        .put("type", "ByteLevel")
        .put("add_prefix_space", false)
        .put("trim_offsets", true)
        .put("use_regex", true);
    t.putNull("post_processor");
    t.putObject("decoder")
        .put("type", "ByteLevel")
        .put("add_prefix_space", true)
        .put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = t.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    List<String> symbols = byteSymbols();
    for (int b = 0; b < 256; b++) {
      vocab.put(symbols.get(b), b);
    }
    model.putArray("merges");
    return t;
  }

  private static Map<String, SafetensorsWriter.Tensor> weights(Shape s) {
    Random random = new Random(20261127L);
    int h = s.hidden();
    Map<String, SafetensorsWriter.Tensor> w = new LinkedHashMap<>();
    w.put("wte.weight", normal(random, VOCAB, h));
    w.put("wpe.weight", normal(random, s.positions(), h));
    for (int i = 0; i < s.layers(); i++) {
      String p = "h." + i + ".";
      w.put(p + "ln_1.weight", filled(1f, h));
      w.put(p + "ln_1.bias", filled(0f, h));
      w.put(p + "attn.c_attn.weight", normal(random, h, 3 * h));
      w.put(p + "attn.c_attn.bias", filled(0f, 3 * h));
      w.put(p + "attn.c_proj.weight", normal(random, h, h));
      w.put(p + "attn.c_proj.bias", filled(0f, h));
      w.put(p + "ln_2.weight", filled(1f, h));
      w.put(p + "ln_2.bias", filled(0f, h));
      w.put(p + "mlp.c_fc.weight", normal(random, h, 4 * h));
      w.put(p + "mlp.c_fc.bias", filled(0f, 4 * h));
      w.put(p + "mlp.c_proj.weight", normal(random, 4 * h, h));
      w.put(p + "mlp.c_proj.bias", filled(0f, h));
    }
    w.put("ln_f.weight", filled(1f, h));
    w.put("ln_f.bias", filled(0f, h));
    return w;
  }

  private static SafetensorsWriter.Tensor normal(Random random, int rows, int cols) {
    float[] values = new float[rows * cols];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * 0.02);
    }
    return new SafetensorsWriter.Tensor(new long[] {rows, cols}, values);
  }

  private static SafetensorsWriter.Tensor filled(float value, int n) {
    float[] values = new float[n];
    java.util.Arrays.fill(values, value);
    return new SafetensorsWriter.Tensor(new long[] {n}, values);
  }
}
