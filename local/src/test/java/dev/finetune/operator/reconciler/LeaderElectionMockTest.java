/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.local.testing.OperatorOnMockApi;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.TestConfigs;
import dev.finetune.operator.TestJobs;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two replicas with leader election: one reconciles; when it stops, the other takes over. */
class LeaderElectionMockTest {
  static final String NAMESPACE = "le";

  @RegisterExtension static final OperatorOnMockApi API = OperatorOnMockApi.apiOnly();

  private final KubernetesClient client = API.client();

  private FineTuneOperator first;
  private FineTuneOperator second;

  @AfterEach
  void stop() {
    for (FineTuneOperator op : new FineTuneOperator[] {first, second}) {
      if (op != null) {
        op.close();
      }
    }
  }

  @Test
  void onlyTheLeaderReconcilesAndTheOtherTakesOver() throws Exception {
    // JOSDK checks its lease permissions with a SelfSubjectRulesReview, which the mock cannot
    // answer from storage: answer it as an API server granting the operator's RBAC would.
    API.server()
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    first = API.startOperator(TestConfigs.electing(NAMESPACE, "replica-a"));
    await().atMost(Duration.ofSeconds(20)).until(() -> "replica-a".equals(holder()));
    second = API.startOperator(TestConfigs.electing(NAMESPACE, "replica-b"));

    create("one");
    await().atMost(Duration.ofSeconds(20)).until(() -> job("one-prepare") != null);
    assertThat(holder()).isEqualTo("replica-a");
    assertThat(reconciliationsStarted(first)).isPositive();
    assertThat(reconciliationsStarted(second)).as("the follower reconciles nothing").isZero();

    first.close();
    first = null;
    await().atMost(Duration.ofSeconds(30)).until(() -> "replica-b".equals(holder()));
    create("two");
    await().atMost(Duration.ofSeconds(20)).until(() -> job("two-prepare") != null);
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems())
        .as("each job's first child Job (its prepare step), once")
        .hasSize(2);
    assertThat(reconciliationsStarted(second)).isPositive();
  }

  private static double reconciliationsStarted(FineTuneOperator operator) {
    return operator.registry().find("operator.sdk.reconciliations.started").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(NAMESPACE).withName("finetune-operator-leader").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private Object job(String name) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
  }

  private void create(String name) {
    FineTuneJob job = TestJobs.minimal();
    job.getMetadata().setName(name);
    job.getMetadata().setNamespace(NAMESPACE);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    job.getMetadata().setLabels(new HashMap<>());
    client.resources(FineTuneJob.class).inNamespace(NAMESPACE).resource(job).create();
  }
}
