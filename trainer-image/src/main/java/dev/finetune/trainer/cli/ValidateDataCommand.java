/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.v1alpha1.DataFormat;
import dev.finetune.trainer.data.ChatRenderer;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.ExampleBuilder;
import dev.finetune.trainer.data.JsonlScan;
import dev.finetune.trainer.data.LineError;
import dev.finetune.trainer.data.RejectedLine;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks a dataset before a GPU is paid for: every bad line with its number and reason. */
@Command(
    name = "validate-data",
    mixinStandardHelpOptions = true,
    description = {
      "Checks every line of a JSONL file against its format and prints each bad line with its",
      "number and reason. With --model, also tokenizes: token statistics and how many examples",
      "--max-length truncates. The last line is a JSON summary. Exit code 65 when a line is bad."
    })
final class ValidateDataCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "JSONL data file.")
  Path data;

  @Option(
      names = "--format",
      required = true,
      description = "text, promptCompletion, chat or preference.",
      converter = ModelOptions.FormatConverter.class)
  DataFormat format;

  @Option(names = "--model", description = "Model directory, for token statistics.")
  Path model;

  @Option(
      names = "--max-length",
      defaultValue = "1024",
      description = "Tokens per example (default ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(
      names = "--max-line-bytes",
      defaultValue = "" + JsonlScan.DEFAULT_MAX_LINE_BYTES,
      description = "Longest accepted line in bytes (default ${DEFAULT-VALUE}).")
  int maxLineBytes;

  @Override
  public Integer call() {
    JsonlScan.Result scan = JsonlScan.scan(data, format, maxLineBytes);
    for (LineError e : scan.errors()) {
      System.out.println(data.getFileName() + ": " + e);
    }
    ObjectNode summary = new ObjectMapper().createObjectNode();
    summary.put("file", data.toString());
    summary.put("format", format.wireName());
    summary.put("lines", scan.lines());
    summary.put("valid", scan.records().size());
    int invalid = scan.errors().size();
    summary.put("invalid", invalid);
    if (model != null && !scan.records().isEmpty()) {
      try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
        int eos = ModelConfig.read(model).eosTokenId();
        ChatRenderer chat = ChatRenderer.forModel(model);
        ExampleBuilder untruncated = new ExampleBuilder(tokenizer, eos, Integer.MAX_VALUE, chat);
        ExampleBuilder truncating = new ExampleBuilder(tokenizer, eos, maxLength, chat);
        List<Integer> lengths = new ArrayList<>();
        long scored = 0;
        int truncated = 0;
        int unlearnable = 0;
        int rejected = 0;
        for (JsonlScan.Record r : scan.records()) {
          Example full;
          Example cut;
          try {
            full = untruncated.build(r, format);
            cut = truncating.build(r, format);
          } catch (RejectedLine e) {
            // Only the tokens show it (a preference prompt that is not a prefix, or too long).
            System.out.println(data.getFileName() + ": " + new LineError(r.line(), e.getMessage()));
            rejected++;
            continue;
          }
          lengths.add(full.length());
          if (cut.truncated()) {
            truncated++;
          }
          scored += cut.scoredCount();
          if (cut.scoredCount() == 0) {
            unlearnable++;
          }
        }
        invalid += rejected;
        summary.put("valid", scan.records().size() - rejected);
        summary.put("invalid", invalid);
        if (lengths.isEmpty()) {
          System.out.println(summary);
          return TrainerExitCodes.DATA_ERROR;
        }
        lengths.sort(Integer::compare);
        summary.put("max_length", maxLength);
        summary.put("tokens_total", lengths.stream().mapToLong(Integer::longValue).sum());
        summary.put("tokens_min", lengths.get(0));
        summary.put("tokens_median", lengths.get(lengths.size() / 2));
        summary.put("tokens_max", lengths.get(lengths.size() - 1));
        summary.put("truncated", truncated);
        summary.put("scored_tokens", scored);
        summary.put("examples_without_learned_tokens", unlearnable);
      }
    }
    System.out.println(summary);
    return invalid == 0 ? 0 : TrainerExitCodes.DATA_ERROR;
  }
}
