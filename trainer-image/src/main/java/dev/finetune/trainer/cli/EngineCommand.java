/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.Utils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Loads the native libraries (PyTorch and the tokenizers) and reports what it found. An image build
 * runs it once so the natives are unpacked into the image and nothing is written or fetched when a
 * pod starts; a person runs it to see whether the GPUs are visible.
 */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = {
      "Loads PyTorch and the tokenizer library and prints one JSON line: engine, versions,",
      "GPU count, default device and the DJL cache folder the natives were loaded from."
    })
final class EngineCommand implements Callable<Integer> {
  /** The smallest tokenizer.json the Rust tokenizers library accepts. */
  private static final String TINY_TOKENIZER =
      "{\"version\":\"1.0\",\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0},"
          + "\"unk_token\":\"[UNK]\"},\"pre_tokenizer\":{\"type\":\"Whitespace\"}}";

  @Override
  public Integer call() throws Exception {
    Engine engine = Engine.getInstance();
    try (HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(TINY_TOKENIZER.getBytes(StandardCharsets.UTF_8)), Map.of())) {
      tokenizer.encode("check");
    }
    ObjectNode info = new ObjectMapper().createObjectNode();
    info.put("engine", engine.getEngineName());
    info.put("engineVersion", engine.getVersion());
    info.put("djlVersion", Engine.getDjlVersion());
    info.put("gpus", engine.getGpuCount());
    info.put("defaultDevice", engine.defaultDevice().toString());
    info.put("cacheDir", Utils.getEngineCacheDir().toString());
    System.out.println(info);
    return 0;
  }
}
