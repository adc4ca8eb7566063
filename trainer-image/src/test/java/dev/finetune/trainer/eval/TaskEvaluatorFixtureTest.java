/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import ai.djl.ndarray.NDManager;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.EvaluationTaskType;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.data.TextTokenizer;
import dev.finetune.trainer.model.ModelLoader;
import dev.finetune.trainer.train.CausalLmLoss;
import dev.finetune.trainer.train.TokenBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The task shapes on tiny-gpt2 with the interop check's task files (trainer-image/interop/data):
 * log-likelihoods equal the trainer's own per-sequence log-probabilities, batching changes nothing,
 * lm-eval's reference numbers, and the lines only the tokens show to be bad.
 */
class TaskEvaluatorFixtureTest {
  private static final Path DATA = Path.of("interop", "data");
  private static NDManager manager;
  private static TextTokenizer tokenizer;
  private static ModelLoader.LoadedModel model;

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager();
    tokenizer = TextTokenizer.load(Fixtures.model("tiny-gpt2"));
    model = ModelLoader.load(Fixtures.model("tiny-gpt2"), manager);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
    manager.close();
  }

  private static LmEvalTokenizer lm() {
    return LmEvalTokenizer.forModel(model.directory(), tokenizer, 50256);
  }

  private static TaskResult run(String file, EvaluationTaskType type, TaskOptions options) {
    return TaskEvaluator.evaluate(model, tokenizer, DATA.resolve(file), type, options, manager);
  }

  @Test
  void pairsAreEncodedAsLmEvalEncodesThem() {
    LmEvalTokenizer lm = lm();
    // The context's trailing space moves to the continuation: " The" is one token, as GPT-2 sees
    // it after "Answer:".
    LmEvalTokenizer.Pair pair = lm.encodePair("Answer: ", "The");
    assertThat(pair.context()).containsExactly(tokenizer.encode("Answer:"));
    assertThat(pair.continuation()).containsExactly(tokenizer.encode(" The"));
    // The continuation is what the whole encodes past the context's own tokens.
    pair = lm.encodePair("Hello", " world");
    assertThat(pair.context()).containsExactly(15496);
    assertThat(pair.continuation()).containsExactly(995);
    // An empty context is the prefix token (GPT-2: BOS = EOS = 50256) ...
    pair = lm.encodePair("", " world");
    assertThat(pair.context()).containsExactly(50256);
    assertThat(pair.continuation()).containsExactly(995);
    // ... unless the continuation starts with it.
    pair = lm.encodePair("", "<|endoftext|> world");
    assertThat(pair.context()).containsExactly(50256);
    assertThat(pair.continuation()).containsExactly(995);
    assertThat(lm.eosText()).isEqualTo("<|endoftext|>");
    assertThat(lm.decode(new long[] {15496, 995, 50256})).isEqualTo("Hello world");
    assertThat(TaskEvaluator.generationEos(model.directory(), 0)).containsExactly(50256L);
  }

  @Test
  void choiceLogLikelihoodsAreTheTrainersSequenceLogProbs() {
    List<TaskItem> items =
        TaskFile.read(
            DATA.resolve("lmeval_multiple_choice.jsonl"), EvaluationTaskType.MULTIPLE_CHOICE);
    TaskResult result =
        run(
            "lmeval_multiple_choice.jsonl",
            EvaluationTaskType.MULTIPLE_CHOICE,
            TaskOptions.defaults());
    assertThat(result.samples()).isEqualTo(items.size());
    LmEvalTokenizer lm = lm();
    // The first question, the one whose context ends in a space, the non-ASCII choices and the
    // empty context (lines 1, 13, 14, 15).
    for (int i : new int[] {0, 12, 13, 14}) {
      TaskItem.MultipleChoice item = (TaskItem.MultipleChoice) items.get(i);
      assertThat(result.logLikelihoods().get(i)).hasSize(item.choices().size());
      for (int c = 0; c < item.choices().size(); c++) {
        // The same request through the training code: prompt + completion, completion scored.
        LmEvalTokenizer.Pair pair = lm.encodePair(item.context(), item.choices().get(c));
        int n = pair.context().length + pair.continuation().length;
        long[] ids = new long[n];
        boolean[] scored = new boolean[n];
        System.arraycopy(pair.context(), 0, ids, 0, pair.context().length);
        System.arraycopy(
            pair.continuation(), 0, ids, pair.context().length, pair.continuation().length);
        for (int t = pair.context().length; t < n; t++) {
          scored[t] = true;
        }
        TokenBatch batch = TokenBatch.of(List.of(new Example(0, ids, scored, false)), manager);
        double own =
            CausalLmLoss.sequenceLogProbs(model.block().logits(batch.ids()), batch).getFloat();
        assertThat(result.logLikelihoods().get(i)[c])
            .as("line %d choice %d", i + 1, c)
            .isCloseTo(own, within(1e-4));
      }
    }
  }

  @Test
  void batchingChangesNoResult() {
    for (String[] task :
        new String[][] {
          {"lmeval_multiple_choice.jsonl", "multipleChoice"},
          {"lmeval_loglikelihood.jsonl", "loglikelihood"}
        }) {
      EvaluationTaskType type = EvaluationTaskType.byName(task[1]).orElseThrow();
      TaskResult one = run(task[0], type, TaskOptions.defaults().withBatchSize(1));
      // Five rows at most, fewer where five would pass 200 tokens (the long line goes alone).
      TaskResult five =
          run(task[0], type, TaskOptions.defaults().withBatchSize(5).withMaxBatchTokens(200));
      assertThat(five.metrics().keySet()).containsExactlyElementsOf(one.metrics().keySet());
      // Relative: a random model's perplexity is near 1e63, and a padded batch goes through the
      // fused attention kernel in other blocks, which moves a log-likelihood in its last float bits
      // (each is held to 1e-4 below; exp of that is a relative 1e-4 on the perplexity).
      one.metrics()
          .forEach(
              (name, value) ->
                  assertThat(five.metrics().get(name))
                      .as(name)
                      .isCloseTo(value, withinPercentage(0.01)));
      for (int i = 0; i < one.logLikelihoods().size(); i++) {
        double[] a = one.logLikelihoods().get(i);
        double[] b = five.logLikelihoods().get(i);
        for (int c = 0; c < a.length; c++) {
          assertThat(b[c]).isCloseTo(a[c], within(1e-4));
        }
      }
      assertThat(five.greedy()).isEqualTo(one.greedy());
    }
  }

  @Test
  void batchedGreedyDecodingIsEachPromptsAlone() {
    List<long[]> prompts = new ArrayList<>();
    for (String p : List.of("Hello", "Everyone is permitted to copy", "GNU")) {
      prompts.add(tokenizer.encode(p));
    }
    Set<Long> eos = Set.of(50256L);
    List<long[]> together =
        Decoding.continueAll(
            model.block(), prompts, 6, Decoding.GREEDY, eos, t -> false, 3, manager);
    for (int i = 0; i < prompts.size(); i++) {
      long[] alone =
          Decoding.continueAll(
                  model.block(),
                  List.of(prompts.get(i)),
                  6,
                  Decoding.GREEDY,
                  eos,
                  t -> false,
                  1,
                  manager)
              .get(0);
      assertThat(together.get(i)).as("prompt %d", i).containsExactly(alone);
      assertThat(alone).hasSize(6);
    }
    // A stop rule ends a row after the token that satisfies it.
    List<long[]> stopped =
        Decoding.continueAll(
            model.block(), prompts, 6, Decoding.GREEDY, eos, t -> t.length == 2, 3, manager);
    assertThat(stopped).allSatisfy(t -> assertThat(t).hasSize(2));
  }

  @Test
  void linesOnlyTheTokensShowToBeBadAreNamed() {
    List<TaskItem> items =
        List.of(
            new TaskItem.Continuation(1, "fine", " ok"),
            new TaskItem.Continuation(2, " \n ", "x"),
            new TaskItem.Continuation(3, "a", " b c d e f g h i j"));
    assertThatThrownBy(
            () ->
                TaskEvaluator.evaluate(
                    model.block(),
                    lm(),
                    Set.of(50256L),
                    items,
                    "t.jsonl",
                    TaskOptions.defaults().withMaxLength(8),
                    manager))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("2 invalid line(s): t.jsonl line 2: the context is only whitespace")
        .hasMessageContaining(
            "line 3: the continuation is 9 tokens, more than the model's 8 positions")
        .satisfies(
            e ->
                assertThat(((TrainerException) e).exitCode())
                    .isEqualTo(TrainerExitCodes.DATA_ERROR));
  }

  @Test
  void generatingAsManyTokensAsTheModelReadsIsRefused() {
    // lm-eval's default of 256 new tokens leaves tiny-gpt2 (256 positions) no room for a prompt.
    assertThatThrownBy(
            () -> run("lmeval_generate.jsonl", EvaluationTaskType.GENERATE, TaskOptions.defaults()))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("generating up to 256 tokens leaves no room for a prompt")
        .satisfies(
            e ->
                assertThat(((TrainerException) e).exitCode())
                    .isEqualTo(TrainerExitCodes.CONFIG_ERROR));
  }
}
