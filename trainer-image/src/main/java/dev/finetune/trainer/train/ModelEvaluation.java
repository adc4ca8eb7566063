/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.finetune.api.protocol.PromotionGate;
import dev.finetune.api.v1alpha1.EvaluationResult;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.io.FileDigest;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.LoraAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same questions to the base model and to the tuned one. The base is scored first thing in the
 * trainer, before step 1 (and before a resumed run restores its checkpoint), on the device that
 * trains: the prepare step runs on a CPU pod sized for checking, where a model worth fine-tuning on
 * a GPU is too slow to score. The base's scores are kept on the output volume ({@value #BASE_FILE},
 * keyed by the tasks and their files' SHA-256), so a resumed run does not score it again. The tuned
 * model — the output, which with early stopping is the best checkpoint — is scored after the last
 * step; the comparison goes to {@value #REPORT_FILE} beside {@code final/} and to the result.
 *
 * <p>Every task's metrics are compared, and the validation loss (task {@value
 * PromotionGate#VALIDATION_TASK}) when the run has validation data.
 */
public final class ModelEvaluation {
  public static final String BASE_FILE = "evaluation_base.json";
  public static final String REPORT_FILE = "evaluation.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final EvaluationOptions options;
  private final TaskScorer scorer;
  private final Map<String, Path> files;
  private final TextTokenizer tokenizer;

  /**
   * @param files each task's file, resolved, by task name
   */
  public ModelEvaluation(
      EvaluationOptions options,
      TaskScorer scorer,
      Map<String, Path> files,
      TextTokenizer tokenizer) {
    this.options = options;
    this.scorer = scorer;
    this.files = files;
    this.tokenizer = tokenizer;
  }

  /** Metric values by task, then by metric name. */
  public record Scores(Map<String, Map<String, Double>> byTask) {}

  /** What the base file holds: the scores and what they were computed on. */
  record Stored(String key, Map<String, Map<String, Double>> byTask) {}

  /**
   * The base model's scores: read back from {@code dir} when they were computed for these tasks,
   * else computed with the model as it is now (call while it holds the starting weights) and kept.
   *
   * @param lora whether an adapter trains: the base is the model with it switched off
   * @param validation the validation loss's evaluator and examples, or null without validation data
   */
  public Scores base(
      CausalLmBlock model, boolean lora, Validation validation, Path dir, NDManager manager) {
    String key = key(validation);
    Path file = dir.resolve(BASE_FILE);
    if (Files.isRegularFile(file)) {
      Stored stored = read(file);
      if (key.equals(stored.key())) {
        System.out.println("evaluation: the base model's scores read from " + file);
        return new Scores(stored.byTask());
      }
    }
    LoraAdapter adapter = model.adapter();
    if (lora) {
      model.setAdapter(null);
    }
    Scores scores;
    try {
      scores =
          score(
              "base", model, validation == null ? null : validation.loss(model, manager), manager);
    } finally {
      model.setAdapter(adapter);
    }
    write(file, new Stored(key, scores.byTask()));
    return scores;
  }

  /**
   * The tuned model's scores, with its validation loss (the output model's evaluation) as the run
   * computed it.
   */
  public Scores tuned(CausalLmBlock model, Double validationLoss, NDManager manager) {
    return score("tuned", model, validationLoss, manager);
  }

  private Scores score(
      String which, CausalLmBlock model, Double validationLoss, NDManager manager) {
    GradMode.offOnThisThread();
    Map<String, Map<String, Double>> byTask = new LinkedHashMap<>();
    for (EvaluationOptions.Task task : options.tasks()) {
      long start = System.nanoTime();
      Map<String, Double> metrics =
          scorer.score(model, tokenizer, files.get(task.name()), task, manager);
      byTask.put(task.name(), new LinkedHashMap<>(metrics));
      System.out.printf(
          "evaluation: %s model, task %s (%s): %s in %.1f s%n",
          which, task.name(), task.type().wireName(), metrics, (System.nanoTime() - start) / 1e9);
    }
    if (validationLoss != null) {
      byTask.put(
          PromotionGate.VALIDATION_TASK, Map.of(PromotionGate.VALIDATION_METRIC, validationLoss));
    }
    return new Scores(byTask);
  }

  /** Base against tuned, metric by metric, in the tasks' order (the validation loss last). */
  public static List<EvaluationResult> compare(Scores base, Scores tuned) {
    List<EvaluationResult> results = new ArrayList<>();
    base.byTask()
        .forEach(
            (task, metrics) ->
                metrics.forEach(
                    (metric, value) -> {
                      Double after = tuned.byTask().getOrDefault(task, Map.of()).get(metric);
                      if (after != null) {
                        results.add(new EvaluationResult(task, metric, value, after));
                      }
                    }));
    results.sort(
        java.util.Comparator.comparing(
            r -> r.getTask().equals(PromotionGate.VALIDATION_TASK) ? 1 : 0));
    return results;
  }

  /** Writes {@value #REPORT_FILE} into {@code output}: the comparison, one entry per metric. */
  public static void writeReport(Path output, List<EvaluationResult> results) {
    Path file = output.resolve(REPORT_FILE);
    try {
      Files.createDirectories(output);
      JSON.writeValue(file.toFile(), Map.of("results", results));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    for (EvaluationResult r : results) {
      System.out.println("evaluation: " + PromotionGate.describe(r));
    }
  }

  /** The comparison as a Markdown table (TensorBoard's Text tab renders it). */
  public static String markdown(List<EvaluationResult> results) {
    StringBuilder table =
        new StringBuilder("| task | metric | base | tuned | delta |\n|---|---|---|---|---|\n");
    for (EvaluationResult r : results) {
      table.append(
          String.format(
              java.util.Locale.ROOT,
              "| %s | %s | %.6g | %.6g | %+.6g |%n",
              r.getTask(),
              r.getMetric(),
              r.getBase(),
              r.getTuned(),
              r.getDelta()));
    }
    return table.toString();
  }

  /**
   * Writes the comparison to TensorBoard (a text summary, tag {@code evaluation}, at the run's last
   * step) in a new event file of {@code runsDir}; a file that cannot be written costs a warning.
   */
  public static void writeTensorBoard(Path runsDir, List<EvaluationResult> results, long step) {
    try (dev.finetune.trainer.io.EventFileWriter writer =
        dev.finetune.trainer.io.EventFileWriter.create(runsDir, java.time.Clock.systemUTC())) {
      writer.text("evaluation", markdown(results), step);
    } catch (UncheckedIOException e) {
      System.err.println("warning: the evaluation table is not in TensorBoard: " + e.getMessage());
    }
  }

  /** The validation loss of a model: the objective's evaluator on the validation examples. */
  public record Validation(Evaluator evaluator, List<Example> examples) {
    Double loss(CausalLmBlock model, NDManager manager) {
      return examples.isEmpty() ? null : evaluator.evaluate(model, examples, manager).loss();
    }
  }

  /** What the base scores depend on: the tasks, their files' bytes, the validation examples. */
  private String key(Validation validation) {
    StringBuilder key = new StringBuilder();
    for (EvaluationOptions.Task task : options.tasks()) {
      try {
        key.append(task.name())
            .append('|')
            .append(task.type().wireName())
            .append('|')
            .append(task.maxNewTokens())
            .append('|')
            .append(FileDigest.of(files.get(task.name())).sha256())
            .append(';');
      } catch (IOException e) {
        throw TrainerException.config("cannot read " + task.source() + ": " + e.getMessage());
      }
    }
    if (validation != null && !validation.examples().isEmpty()) {
      key.append("validation|").append(ReferenceLogProbs.fingerprint(validation.examples()));
    }
    return key.toString();
  }

  private static Stored read(Path file) {
    try {
      return JSON.readValue(file.toFile(), new TypeReference<Stored>() {});
    } catch (IOException e) {
      throw TrainerException.config("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void write(Path file, Stored stored) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), stored);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
