/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.protocol.TrainerConfig;
import dev.finetune.api.protocol.TrainerExitCodes;
import dev.finetune.trainer.TrainerException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceNamesTest {
  private final SourceNames names =
      SourceNames.of(
          new TrainerConfig(
              1,
              "demo",
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              0,
              null,
              List.of(
                  new TrainerConfig.Volume("/workspace", "pvc://demo-workspace"),
                  new TrainerConfig.Volume("/mnt/pvc/data", "pvc://data"),
                  new TrainerConfig.Volume("/mnt/pvc/data/more", "pvc://more")),
              null));

  @Test
  void pathsUnderAMountAreNamedByTheirClaim() {
    assertThat(names.name("2 invalid line(s): /mnt/pvc/data/train.jsonl line 3: blank line"))
        .isEqualTo("2 invalid line(s): pvc://data/train.jsonl line 3: blank line");
    assertThat(names.name("/workspace/output/final is full; /mnt/pvc/data has no config.json"))
        .isEqualTo("pvc://demo-workspace/output/final is full; pvc://data has no config.json");
  }

  @Test
  void theLongestMountWinsAndOnlyWholePathsAreNamed() {
    assertThat(names.name("/mnt/pvc/data/more/x.jsonl")).isEqualTo("pvc://more/x.jsonl");
    assertThat(names.name("/workspace2/x, /mnt/pvc/database, pvc://other/workspace/x"))
        .isEqualTo("/workspace2/x, /mnt/pvc/database, pvc://other/workspace/x");
  }

  @Test
  void theExitCodeIsKept() {
    TrainerException named =
        names.named(TrainerException.data("/mnt/pvc/data/t.jsonl has no valid lines"));
    assertThat(named.getMessage()).isEqualTo("pvc://data/t.jsonl has no valid lines");
    assertThat(named.exitCode()).isEqualTo(TrainerExitCodes.DATA_ERROR);
    assertThat(SourceNames.none().name("/workspace/x")).isEqualTo("/workspace/x");
  }
}
