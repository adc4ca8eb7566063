/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.LineError;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a model on a task file as lm-evaluation-harness 0.4.13 does with its {@code hf} backend
 * (zero-shot, no chat template, no description; the line's fields are the whole prompt): the entry
 * point for comparing a tuned model with its base.
 *
 * <ul>
 *   <li>multipleChoice: one loglikelihood request per choice, (context, choice); {@code acc} and
 *       {@code acc_norm} per example, averaged;
 *   <li>loglikelihood: one request (context, continuation); {@code perplexity} = exp(−mean of the
 *       examples' log-likelihoods), {@code acc} = share of continuations that are the greedy ones;
 *   <li>generate: greedy continuation of the prompt up to {@link TaskOptions#maxNewTokens}, the EOS
 *       token or a stop sequence, cut at the stop sequences; {@code exact_match} = share equal to
 *       the expected text.
 * </ul>
 */
public final class TaskEvaluator {
  private TaskEvaluator() {}

  /**
   * The task in {@code taskFile} on a loaded model (with its LoRA adapter, if one is set) and its
   * tokenizer. A bad line stops with a data error naming the file and the line.
   */
  public static TaskResult evaluate(
      ModelLoader.LoadedModel model,
      TextTokenizer tokenizer,
      Path taskFile,
      EvaluationTaskType type,
      TaskOptions options,
      NDManager manager) {
    return evaluate(model.block(), tokenizer, taskFile, type, options, manager);
  }

  /**
   * As {@link #evaluate(ModelLoader.LoadedModel, TextTokenizer, Path, EvaluationTaskType,
   * TaskOptions, NDManager)}; the tokenizer's folder (the model's) gives the special tokens:
   * tokenizer_config.json's BOS and EOS, generation_config.json's EOS ids.
   */
  public static TaskResult evaluate(
      CausalLmBlock model,
      TextTokenizer tokenizer,
      Path taskFile,
      EvaluationTaskType type,
      TaskOptions options,
      NDManager manager) {
    int eos = model.config().eosTokenId();
    Path dir = tokenizer.directory();
    return evaluate(
        model,
        LmEvalTokenizer.forModel(dir, tokenizer, eos),
        generationEos(dir, eos),
        TaskFile.read(taskFile, type),
        taskFile.getFileName().toString(),
        options,
        manager);
  }

  /**
   * The examples on a model, with lm-eval's tokenization; {@code eos} ends a generation.
   *
   * @param name the file the examples came from, for messages
   */
  public static TaskResult evaluate(
      CausalLmBlock model,
      LmEvalTokenizer tokenizer,
      Set<Long> eos,
      List<TaskItem> items,
      String name,
      TaskOptions options,
      NDManager manager) {
    if (items.isEmpty()) {
      throw TrainerException.data(name + " has no examples");
    }
    int maxLength = options.maxLength() > 0 ? options.maxLength() : model.config().maxPositions();
    TaskItem first = items.get(0);
    if (first instanceof TaskItem.MultipleChoice) {
      return multipleChoice(
          model,
          tokenizer,
          cast(items, TaskItem.MultipleChoice.class),
          name,
          options,
          maxLength,
          manager);
    }
    if (first instanceof TaskItem.Continuation) {
      return loglikelihood(
          model,
          tokenizer,
          cast(items, TaskItem.Continuation.class),
          name,
          options,
          maxLength,
          manager);
    }
    return generate(
        model,
        tokenizer,
        eos,
        cast(items, TaskItem.Generation.class),
        name,
        options,
        maxLength,
        manager);
  }

  private static <T extends TaskItem> List<T> cast(List<TaskItem> items, Class<T> kind) {
    List<T> out = new ArrayList<>(items.size());
    for (TaskItem item : items) {
      if (!kind.isInstance(item)) {
        throw new IllegalArgumentException("a task mixes example kinds: line " + item.line());
      }
      out.add(kind.cast(item));
    }
    return out;
  }

  private static TaskResult multipleChoice(
      CausalLmBlock model,
      LmEvalTokenizer tokenizer,
      List<TaskItem.MultipleChoice> items,
      String name,
      TaskOptions options,
      int maxLength,
      NDManager manager) {
    List<LmEvalTokenizer.Pair> requests = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    for (TaskItem.MultipleChoice item : items) {
      for (int c = 0; c < item.choices().size(); c++) {
        LmEvalTokenizer.Pair pair = tokenizer.encodePair(item.context(), item.choices().get(c));
        String bad = check(pair, maxLength, "choices[" + c + "]");
        if (bad != null) {
          errors.add(new LineError(item.line(), bad));
          break;
        }
        requests.add(pair);
      }
    }
    stopOn(name, errors);
    ContinuationScorer.Score[] scores =
        ContinuationScorer.score(
            model, requests, maxLength, options.batchSize(), options.maxBatchTokens(), manager);
    double[] acc = new double[items.size()];
    double[] accNorm = new double[items.size()];
    List<double[]> lls = new ArrayList<>(items.size());
    int at = 0;
    for (int i = 0; i < items.size(); i++) {
      TaskItem.MultipleChoice item = items.get(i);
      double[] ll = new double[item.choices().size()];
      for (int c = 0; c < ll.length; c++) {
        ll[c] = scores[at++].logLikelihood();
      }
      lls.add(ll);
      acc[i] = LmEvalMetrics.acc(ll, item.answer());
      accNorm[i] = LmEvalMetrics.accNorm(ll, item.choices(), item.answer());
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    putMean(metrics, "acc", acc);
    putMean(metrics, "acc_norm", accNorm);
    return new TaskResult(
        EvaluationTaskType.MULTIPLE_CHOICE, items.size(), metrics, lls, List.of(), List.of());
  }

  private static TaskResult loglikelihood(
      CausalLmBlock model,
      LmEvalTokenizer tokenizer,
      List<TaskItem.Continuation> items,
      String name,
      TaskOptions options,
      int maxLength,
      NDManager manager) {
    List<LmEvalTokenizer.Pair> requests = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    for (TaskItem.Continuation item : items) {
      LmEvalTokenizer.Pair pair = tokenizer.encodePair(item.context(), item.continuation());
      String bad = check(pair, maxLength, "continuation");
      if (bad != null) {
        errors.add(new LineError(item.line(), bad));
      }
      requests.add(pair);
    }
    stopOn(name, errors);
    ContinuationScorer.Score[] scores =
        ContinuationScorer.score(
            model, requests, maxLength, options.batchSize(), options.maxBatchTokens(), manager);
    double[] ll = new double[items.size()];
    double[] acc = new double[items.size()];
    List<double[]> lls = new ArrayList<>();
    List<Boolean> greedy = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ll[i] = scores[i].logLikelihood();
      acc[i] = scores[i].greedy() ? 1 : 0;
      lls.add(new double[] {ll[i]});
      greedy.add(scores[i].greedy());
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("perplexity", LmEvalMetrics.perplexity(ll));
    putMean(metrics, "acc", acc);
    return new TaskResult(
        EvaluationTaskType.LOGLIKELIHOOD, items.size(), metrics, lls, greedy, List.of());
  }

  private static TaskResult generate(
      CausalLmBlock model,
      LmEvalTokenizer tokenizer,
      Set<Long> eos,
      List<TaskItem.Generation> items,
      String name,
      TaskOptions options,
      int maxLength,
      NDManager manager) {
    int maxNew = options.maxNewTokens();
    int maxPrompt = maxLength - maxNew;
    if (maxPrompt <= 0) {
      throw TrainerException.config(
          "generating up to "
              + maxNew
              + " tokens leaves no room for a prompt in the model's "
              + maxLength
              + " positions; ask for fewer new tokens (lm-eval refuses this too)");
    }
    List<String> until = new ArrayList<>(options.until());
    if (!until.contains(tokenizer.eosText())) {
      until.add(tokenizer.eosText());
    }
    List<long[]> prompts = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    for (TaskItem.Generation item : items) {
      long[] ids = tokenizer.encodePrompt(item.prompt());
      if (ids.length == 0) {
        errors.add(new LineError(item.line(), "the prompt encodes to no tokens"));
      }
      prompts.add(Arrays.copyOfRange(ids, Math.max(0, ids.length - maxPrompt), ids.length));
    }
    stopOn(name, errors);
    List<long[]> outputs =
        Decoding.continueAll(
            model,
            prompts,
            maxNew,
            Decoding.GREEDY,
            eos,
            fresh -> containsAny(tokenizer.decode(fresh), until),
            generationBatch(prompts, options),
            manager);
    double[] match = new double[items.size()];
    List<String> generations = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String text = cut(tokenizer.decode(outputs.get(i)), until);
      generations.add(text);
      match[i] = LmEvalMetrics.exactMatch(text, items.get(i).expected());
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    putMean(metrics, "exact_match", match);
    return new TaskResult(
        EvaluationTaskType.GENERATE, items.size(), metrics, List.of(), List.of(), generations);
  }

  /** Prompts per forward pass: the longest grows by the new tokens within the token budget. */
  private static int generationBatch(List<long[]> prompts, TaskOptions options) {
    int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
    int width = longest + options.maxNewTokens();
    return Math.max(1, Math.min(options.batchSize(), options.maxBatchTokens() / width));
  }

  /** lm-eval's {@code postprocess_generated_text}: cut at each stop sequence in turn. */
  static String cut(String text, List<String> until) {
    for (String term : until) {
      if (!term.isEmpty()) {
        int at = text.indexOf(term);
        if (at >= 0) {
          text = text.substring(0, at);
        }
      }
    }
    return text;
  }

  private static boolean containsAny(String text, List<String> until) {
    for (String term : until) {
      if (!term.isEmpty() && text.contains(term)) {
        return true;
      }
    }
    return false;
  }

  /** Why lm-eval could not score the request (its assertions), or null. */
  private static String check(LmEvalTokenizer.Pair pair, int maxLength, String what) {
    if (pair.context().length == 0) {
      return "the context is only whitespace: lm-eval moves trailing whitespace to the "
          + what
          + ", which leaves no context token to condition on";
    }
    if (pair.continuation().length == 0) {
      return "the " + what + " adds no token to the context's";
    }
    if (pair.continuation().length > maxLength) {
      return "the "
          + what
          + " is "
          + pair.continuation().length
          + " tokens, more than the model's "
          + maxLength
          + " positions";
    }
    return null;
  }

  private static void stopOn(String name, List<LineError> errors) {
    if (!errors.isEmpty()) {
      throw TrainerException.data(
          dev.finetune.trainer.data.Datasets.describe(name, errors)
              + "; lm-eval could not score these lines either");
    }
  }

  private static void putMean(Map<String, Double> metrics, String name, double[] values) {
    metrics.put(name, LmEvalMetrics.mean(values));
    double stderr = LmEvalMetrics.meanStderr(values);
    if (!Double.isNaN(stderr)) {
      metrics.put(name + "_stderr", stderr);
    }
  }

  /**
   * The tokens that end a generation, as Hugging Face's {@code generate} takes them: {@code
   * eos_token_id} (a number or a list) of generation_config.json, else of config.json, else the
   * model's EOS.
   */
  public static Set<Long> generationEos(Path modelDir, long modelEos) {
    for (String file : new String[] {"generation_config.json", "config.json"}) {
      Path path = modelDir.resolve(file);
      if (!Files.isRegularFile(path)) {
        continue;
      }
      JsonNode node;
      try {
        node = new ObjectMapper().readTree(path.toFile()).path("eos_token_id");
      } catch (IOException e) {
        throw TrainerException.config("cannot read " + path + ": " + e.getMessage());
      }
      Set<Long> ids = new LinkedHashSet<>();
      if (node.isIntegralNumber()) {
        ids.add(node.asLong());
      } else if (node.isArray()) {
        node.forEach(n -> ids.add(n.asLong()));
      }
      if (!ids.isEmpty()) {
        return ids;
      }
    }
    return Set.of(modelEos);
  }
}
