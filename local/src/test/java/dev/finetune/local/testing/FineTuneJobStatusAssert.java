/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.testing;

import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a FineTuneJob's status that print the whole status as YAML when they fail (in the
 * manner of Keycloak's {@code CRAssert}).
 */
public final class FineTuneJobStatusAssert
    extends AbstractAssert<FineTuneJobStatusAssert, FineTuneJobStatus> {

  private FineTuneJobStatusAssert(FineTuneJobStatus status) {
    super(status, FineTuneJobStatusAssert.class);
  }

  public static FineTuneJobStatusAssert assertThatStatus(FineTuneJobStatus status) {
    return new FineTuneJobStatusAssert(status);
  }

  public FineTuneJobStatusAssert hasPhase(Phase phase) {
    isNotNull();
    if (actual.getPhase() != phase) {
      failWithMessage(
          "expected phase %s but was %s in%n%s", phase, actual.getPhase(), yaml(actual));
    }
    return this;
  }

  /** Condition {@code type} has this status ("True", "False", "Unknown") and reason. */
  public FineTuneJobStatusAssert hasCondition(String type, String status, String reason) {
    isNotNull();
    Condition c =
        condition(actual, type)
            .orElseThrow(() -> new AssertionError("no condition " + type + " in\n" + yaml(actual)));
    if (!status.equals(c.getStatus()) || !reason.equals(c.getReason())) {
      failWithMessage(
          "expected condition %s to be %s/%s but was %s/%s in%n%s",
          type, status, reason, c.getStatus(), c.getReason(), yaml(actual));
    }
    if (c.getLastTransitionTime() == null) {
      failWithMessage("condition %s has no lastTransitionTime in%n%s", type, yaml(actual));
    }
    return this;
  }

  /** The condition of {@code type}, if the status has one. */
  public static Optional<Condition> condition(FineTuneJobStatus status, String type) {
    return status.getConditions() == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** The reason of condition {@code type} (fails when there is none). */
  public static String reason(FineTuneJobStatus status, String type) {
    return condition(status, type)
        .orElseThrow(() -> new AssertionError("no condition " + type + " in\n" + yaml(status)))
        .getReason();
  }

  static String yaml(FineTuneJobStatus status) {
    return status == null ? "(no status)" : Serialization.asYaml(status);
  }
}
