/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.TestJobs;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderMockTest {
  static KubernetesClient client;

  @Test
  void theSameEventTwiceIsCountedNotDuplicated() {
    EventRecorder recorder = new EventRecorder(client, Clock.systemUTC(), "op-1");
    FineTuneJob job = TestJobs.minimal();

    recorder.record(job, EventRecorder.Type.Warning, "OOMKilled", "killed");
    recorder.record(job, EventRecorder.Type.Warning, "OOMKilled", "killed");
    recorder.record(job, EventRecorder.Type.Normal, "TrainerRunning", "running");

    List<Event> events = client.v1().events().inNamespace("team-a").list().getItems();
    assertThat(events).hasSize(2);
    Event oom =
        events.stream().filter(e -> e.getReason().equals("OOMKilled")).findFirst().orElseThrow();
    assertThat(oom.getCount()).isEqualTo(2);
    assertThat(oom.getType()).isEqualTo("Warning");
    assertThat(oom.getInvolvedObject().getKind()).isEqualTo("FineTuneJob");
    assertThat(oom.getInvolvedObject().getName()).isEqualTo("demo");
    assertThat(oom.getInvolvedObject().getUid()).isEqualTo(job.getMetadata().getUid());
    assertThat(oom.getSource().getComponent()).isEqualTo("finetune-operator");
    assertThat(oom.getReportingInstance()).isEqualTo("op-1");
  }

  @Test
  void longMessagesAreTruncatedAndNamesStayValid() {
    EventRecorder recorder = new EventRecorder(client, Clock.systemUTC(), "op-1");
    FineTuneJob job = TestJobs.minimal();
    job.getMetadata().setNamespace("long");
    recorder.record(job, EventRecorder.Type.Normal, "Big", "m".repeat(5000));
    Event e = client.v1().events().inNamespace("long").list().getItems().get(0);
    assertThat(e.getMessage()).hasSize(1024);
    assertThat(e.getMetadata().getName()).matches("demo\\.[0-9a-f]{16}");
  }
}
