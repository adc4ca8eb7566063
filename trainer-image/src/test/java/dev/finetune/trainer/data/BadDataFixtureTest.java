/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.testing.Fixtures;
import dev.finetune.api.v1alpha1.DataFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** validate-data's scan names exactly the bad lines of bad.jsonl that its README lists. */
class BadDataFixtureTest {
  @Test
  void everyBadLineIsNamedWithItsReason() {
    JsonlScan.Result scan =
        JsonlScan.scan(
            Fixtures.data("bad.jsonl"), DataFormat.TEXT, JsonlScan.DEFAULT_MAX_LINE_BYTES);
    Map<Long, String> reasons = new TreeMap<>();
    scan.errors().forEach(e -> reasons.put(e.line(), e.reason()));

    assertThat(reasons).containsOnlyKeys(3L, 5L, 6L, 7L, 9L, 10L, 12L, 13L, 15L, 16L, 18L);
    assertThat(reasons.get(3L)).startsWith("invalid JSON");
    assertThat(reasons.get(5L)).isEqualTo("missing field \"text\"");
    assertThat(reasons.get(6L)).isEqualTo("field \"text\" is empty");
    assertThat(reasons.get(7L)).isEqualTo("field \"text\" must be a string, found a number");
    assertThat(reasons.get(9L)).isEqualTo("field \"text\" is null");
    assertThat(reasons.get(10L)).isEqualTo("not a JSON object (found an array)");
    assertThat(reasons.get(12L)).isEqualTo("blank line");
    assertThat(reasons.get(13L)).startsWith("invalid JSON");
    assertThat(reasons.get(15L)).startsWith("invalid JSON");
    assertThat(reasons.get(16L)).isEqualTo("field \"text\" must be a string, found an array");
    assertThat(reasons.get(18L)).isEqualTo("invalid JSON: more than one JSON value on the line");
    // The 1 MiB line 11 is under the 16 MiB default limit and valid.
    assertThat(scan.records())
        .extracting(JsonlScan.Record::line)
        .containsExactly(1L, 2L, 4L, 8L, 11L, 14L, 17L, 19L);
    assertThat(scan.lines()).isEqualTo(19);
  }

  @Test
  void aLineOverTheLimitIsRejectedWithoutBeingKept() {
    JsonlScan.Result scan = JsonlScan.scan(Fixtures.data("bad.jsonl"), DataFormat.TEXT, 64 * 1024);
    assertThat(scan.errors())
        .filteredOn(e -> e.line() == 11)
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("line is longer than 65536 bytes"));
  }
}
