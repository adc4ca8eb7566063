/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric arithmetic of lm-eval 0.4.13 (lm_eval/api/task.py, lm_eval/api/metrics.py). */
class LmEvalMetricsTest {
  @Test
  void accPicksTheFirstOfEqualLogLikelihoodsAsNumpysArgmax() {
    assertThat(LmEvalMetrics.acc(new double[] {-3, -1, -2}, 1)).isEqualTo(1.0);
    assertThat(LmEvalMetrics.acc(new double[] {-3, -1, -2}, 2)).isEqualTo(0.0);
    assertThat(LmEvalMetrics.acc(new double[] {-1, -1}, 0)).isEqualTo(1.0);
    assertThat(LmEvalMetrics.acc(new double[] {-1, -1}, 1)).isEqualTo(0.0);
  }

  @Test
  void accNormDividesByTheChoicesLengthInCharacters() {
    // " A" (2 characters) at -4 is -2 per character; " BBBBBB" (7) at -7 is -1 per character:
    // acc picks the short one, acc_norm the long one.
    double[] lls = {-4, -7};
    List<String> choices = List.of(" A", " BBBBBB");
    assertThat(LmEvalMetrics.acc(lls, 0)).isEqualTo(1.0);
    assertThat(LmEvalMetrics.accNorm(lls, choices, 0)).isEqualTo(0.0);
    assertThat(LmEvalMetrics.accNorm(lls, choices, 1)).isEqualTo(1.0);
  }

  @Test
  void accNormCountsCodePointsAsPythonsLen() {
    // "𝔾𝔾" is 2 code points but 4 UTF-16 units: at -3.3 it is -1.65 per code point and loses to
    // "abc" at -4.8 / 3 = -1.6; per UTF-16 unit (-0.825) it would win.
    double[] lls = {-3.3, -4.8};
    List<String> choices = List.of("\uD835\uDD3E\uD835\uDD3E", "abc");
    assertThat(LmEvalMetrics.accNorm(lls, choices, 1)).isEqualTo(1.0);
    assertThat(LmEvalMetrics.accNorm(lls, choices, 0)).isEqualTo(0.0);
  }

  @Test
  void perplexityIsTheExponentOfMinusTheMeanPerExampleLogLikelihood() {
    // Per example, not per token: two continuations of any lengths at -2 and -4 → e^3.
    assertThat(LmEvalMetrics.perplexity(new double[] {-2, -4}))
        .isCloseTo(Math.exp(3), within(1e-12));
    assertThat(LmEvalMetrics.perplexity(new double[] {0})).isEqualTo(1.0);
  }

  @Test
  void meanAndItsStandardErrorUseTheSampleStandardDeviation() {
    double[] acc = {1, 0, 0, 1, 1};
    assertThat(LmEvalMetrics.mean(acc)).isEqualTo(0.6);
    // sample variance: (3·0.16 + 2·0.36) / 4 = 0.3; stderr = √0.3 / √5
    assertThat(LmEvalMetrics.meanStderr(acc))
        .isCloseTo(Math.sqrt(0.3) / Math.sqrt(5), within(1e-15));
    assertThat(LmEvalMetrics.meanStderr(new double[] {1})).isNaN();
  }

  @Test
  void exactMatchIsPlainEqualityWithNumpysTrailingNulRule() {
    assertThat(LmEvalMetrics.exactMatch(" License.", " License.")).isEqualTo(1.0);
    assertThat(LmEvalMetrics.exactMatch(" License.", "License.")).isEqualTo(0.0);
    assertThat(LmEvalMetrics.exactMatch("license", "License")).isEqualTo(0.0);
    assertThat(LmEvalMetrics.exactMatch("", "")).isEqualTo(1.0);
    assertThat(LmEvalMetrics.exactMatch("a\0", "a")).isEqualTo(1.0);
  }

  @Test
  void aGenerationIsCutAtEachStopSequenceInTurn() {
    List<String> until = List.of("\n\n", "<|endoftext|>");
    assertThat(TaskEvaluator.cut(" a\n\nb<|endoftext|>", until)).isEqualTo(" a");
    assertThat(TaskEvaluator.cut(" a<|endoftext|>\n\nb", until)).isEqualTo(" a");
    assertThat(TaskEvaluator.cut(" a\nb", until)).isEqualTo(" a\nb");
    assertThat(TaskEvaluator.cut("x", List.of(""))).isEqualTo("x");
  }

  @Test
  void trailingWhitespaceIsWhatPythonsRstripRemoves() {
    assertThat(LmEvalTokenizer.trailingWhitespace("Answer: ")).isEqualTo(1);
    assertThat(LmEvalTokenizer.trailingWhitespace("Answer:\n\t ")).isEqualTo(3);
    assertThat(LmEvalTokenizer.trailingWhitespace("a\u00a0\u3000\u2028\u001f")).isEqualTo(4);
    // zero-width space is not whitespace to Python
    assertThat(LmEvalTokenizer.trailingWhitespace("a\u200b")).isZero();
    assertThat(LmEvalTokenizer.trailingWhitespace("   ")).isEqualTo(3);
  }

  @Test
  void cleanUpIsTransformersClean_up_tokenization() {
    assertThat(LmEvalTokenizer.cleanUp("it is n't , ok ?")).isEqualTo("it isn't, ok?");
  }
}
