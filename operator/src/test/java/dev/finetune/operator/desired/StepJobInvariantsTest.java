/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.protocol.TrainerExit;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.OutputSpec;
import dev.finetune.api.v1alpha1.PublishSpec;
import dev.finetune.api.v1alpha1.SecretNameRef;
import dev.finetune.operator.TestJobs;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every Job the operator creates shares, whatever its step: checked once per Job kind here
 * rather than per builder. A new Job kind is added to {@link #kinds()}.
 */
class StepJobInvariantsTest {
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();

  /** The fullest example (GPUs, placement, Hub token, claims) and a queued one. */
  private static final FineTuneJob FULL =
      TestJobs.fromFile(Path.of("../deploy/examples/full-finetune-pvc.yaml"));

  private static final FineTuneJob QUEUED =
      TestJobs.fromFile(Path.of("../deploy/examples/kueue-queued.yaml"));

  static Stream<StepJobDependentResource> kinds() {
    return Stream.of(
        new PrepareJobDependentResource(CONFIG),
        new TrainerJobDependentResource(CONFIG),
        new PublishJobDependentResource(CONFIG));
  }

  private static Stream<Job> jobs(StepJobDependentResource kind) {
    return Stream.of(FULL, QUEUED, TestJobs.minimal())
        .map(StepJobInvariantsTest::published)
        .map(ftj -> StepJob.desired(ftj, CONFIG, kind.profile(ftj)));
  }

  /** {@code ftj} with spec.output.publish and its credentials (what the publish Job needs). */
  private static FineTuneJob published(FineTuneJob ftj) {
    FineTuneJob copy = new KubernetesSerialization().clone(ftj);
    OutputSpec output = Optional.ofNullable(copy.getSpec().getOutput()).orElseGet(OutputSpec::new);
    PublishSpec publish = new PublishSpec();
    publish.setTo("oci://registry.example/models/demo");
    publish.setCredentialsSecretRef(new SecretNameRef("registry-push"));
    output.setPublish(publish);
    copy.getSpec().setOutput(output);
    return copy;
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyPodIsHardened(StepJobDependentResource kind) {
    jobs(kind)
        .forEach(
            job -> {
              PodSpec pod = job.getSpec().getTemplate().getSpec();
              assertThat(pod.getRestartPolicy()).isEqualTo("Never");
              assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
              assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(StepJob.RUN_AS_USER);
              assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                  .isEqualTo("RuntimeDefault");
              assertThat(pod.getContainers()).isNotEmpty();
              for (Container c : pod.getContainers()) {
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
                assertThat(c.getSecurityContext().getCapabilities().getDrop())
                    .containsExactly("ALL");
                assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
              }
            });
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void noPodGetsApiCredentials(StepJobDependentResource kind) {
    jobs(kind)
        .forEach(
            job -> {
              PodSpec pod = job.getSpec().getTemplate().getSpec();
              assertThat(pod.getAutomountServiceAccountToken()).isFalse();
              assertThat(pod.getServiceAccountName()).isNull();
              assertThat(pod.getEnableServiceLinks()).isFalse();
              assertThat(pod.getVolumes())
                  .as("no projected service account token")
                  .extracting(Volume::getProjected)
                  .containsOnlyNulls();
              for (Container c : pod.getContainers()) {
                assertThat(c.getEnv())
                    .noneMatch(e -> e.getName().startsWith("KUBERNETES_"))
                    .noneMatch(e -> e.getValueFrom() != null);
              }
            });
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void jobAndPodsAreLabelledAndOwnedByTheFineTuneJob(StepJobDependentResource kind) {
    jobs(kind)
        .forEach(
            job -> {
              String owner = job.getMetadata().getOwnerReferences().get(0).getName();
              for (var labels :
                  Stream.of(
                          job.getMetadata().getLabels(),
                          job.getSpec().getTemplate().getMetadata().getLabels())
                      .toList()) {
                assertThat(labels)
                    .containsEntry(ChildLabels.MANAGED_BY, ChildLabels.MANAGED_BY_VALUE)
                    .containsEntry(ChildLabels.JOB_NAME, owner)
                    .containsEntry(ChildLabels.INSTANCE, owner)
                    .containsEntry(ChildLabels.COMPONENT, kind.component());
              }
              assertThat(job.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(
                      ref -> {
                        assertThat(ref.getKind()).isEqualTo("FineTuneJob");
                        assertThat(ref.getController()).isTrue();
                        assertThat(ref.getBlockOwnerDeletion()).isTrue();
                      });
              assertThat(job.getMetadata().getAnnotations()).containsKey(AppliedSpec.ANNOTATION);
            });
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void thePodFailurePolicyFailsAtOnceOnExactlyTheExitCodesThatAreNotRetried(
      StepJobDependentResource kind) {
    jobs(kind)
        .forEach(
            job -> {
              var rules = job.getSpec().getPodFailurePolicy().getRules();
              var failJob = rules.get(0);
              assertThat(failJob.getAction()).isEqualTo("FailJob");
              assertThat(failJob.getOnExitCodes().getContainerName())
                  .isEqualTo(
                      job.getSpec().getTemplate().getSpec().getContainers().get(0).getName());
              assertThat(failJob.getOnExitCodes().getValues())
                  .containsExactlyInAnyOrderElementsOf(
                      Stream.of(TrainerExit.values())
                          .filter(e -> !e.retried())
                          .map(TrainerExit::code)
                          .toList());
              assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
              assertThat(rules.get(1).getOnPodConditions())
                  .singleElement()
                  .satisfies(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
            });
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void theDependentBuildsWhatTheProfileSays(StepJobDependentResource kind) {
    FineTuneJob ftj = published(TestJobs.minimal());
    StepProfile profile = kind.profile(ftj);
    Job job = StepJob.desired(ftj, CONFIG, profile);
    assertThat(job.getMetadata().getName()).isEqualTo(profile.jobName());
    assertThat(kind.childName(ftj)).isEqualTo(profile.jobName());
    assertThat(profile.component()).isEqualTo(kind.component());
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getName()).isEqualTo(profile.container());
    assertThat(c.getArgs()).first().isEqualTo(profile.command());
    assertThat(c.getArgs().subList(1, c.getArgs().size())).isEqualTo(profile.args());
  }

  /**
   * Each pod sees the Secrets its step reads, as read-only files, and no other: the Hub token in
   * the prepare and trainer pods (which download the model), the registry credentials in the
   * publish pod only.
   */
  @ParameterizedTest
  @MethodSource("kinds")
  void eachPodMountsOnlyTheSecretsItsStepReads(StepJobDependentResource kind) {
    FineTuneJob gated =
        published(TestJobs.fromFile(Path.of("../deploy/examples/lora-hub-model.yaml")));
    PodSpec pod =
        StepJob.desired(gated, CONFIG, kind.profile(gated)).getSpec().getTemplate().getSpec();
    List<String> secrets =
        pod.getVolumes().stream()
            .filter(v -> v.getSecret() != null)
            .map(v -> v.getSecret().getSecretName())
            .toList();
    String hubToken = gated.getSpec().getModel().getTokenSecretRef().getName();
    if (kind instanceof PublishJobDependentResource) {
      assertThat(secrets).containsExactly("registry-push");
    } else {
      assertThat(secrets).containsExactly(hubToken);
    }
    Container c = pod.getContainers().get(0);
    for (Volume v : pod.getVolumes()) {
      if (v.getSecret() != null) {
        assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(c.getVolumeMounts())
            .filteredOn(m -> m.getName().equals(v.getName()))
            .singleElement()
            .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
      }
    }
  }
}
