/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.trainer.TrainerException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {
  private static List<Example> examples(int n) {
    List<Example> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(new Example(i, new long[] {i, i}, new boolean[] {false, true}, false));
    }
    return out;
  }

  private static List<Long> lines(List<Example> examples) {
    return examples.stream().map(Example::line).toList();
  }

  @Test
  void theSeedAloneChoosesTheHeldOutExamples() {
    List<Example> all = examples(100);
    ValidationSplit.Parts a = ValidationSplit.split(all, 0.1, 42);
    ValidationSplit.Parts again = ValidationSplit.split(examples(100), 0.1, 42);
    ValidationSplit.Parts other = ValidationSplit.split(all, 0.1, 43);
    assertThat(lines(again.validation())).isEqualTo(lines(a.validation()));
    assertThat(lines(other.validation())).isNotEqualTo(lines(a.validation()));
    assertThat(lines(a.validation()))
        .as("not simply the first lines")
        .isNotEqualTo(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
  }

  @Test
  void thePartsAreDisjointInFileOrderAndTheHeldOutCountIsRoundedUp() {
    ValidationSplit.Parts parts = ValidationSplit.split(examples(41), 0.1, 7);
    assertThat(parts.validation()).hasSize(5);
    assertThat(parts.train()).hasSize(36);
    List<Long> train = lines(parts.train());
    List<Long> validation = lines(parts.validation());
    assertThat(train).isSorted().doesNotContainAnyElementsOf(validation);
    assertThat(validation).isSorted();
  }

  @Test
  void aSplitThatLeavesNothingToTrainOnIsAConfigurationError() {
    assertThatThrownBy(() -> ValidationSplit.split(examples(1), 0.5, 1))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("leaves none to train on");
  }
}
