/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.testing.DeploymentTools;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/ as kubectl kustomize (the real kubectl) builds it. */
class KustomizeTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"deploy", "deploy/overlays/monitoring"})
  void buildsWithHardenedPodsTheCrdAndLeastPrivilegeRbac(String dir) throws IOException {
    DeploymentTools.Result built = DeploymentTools.run("kubectl", null, "kustomize", dir);
    assertThat(built.exitCode()).as(built.output()).isZero();
    Manifests manifests = Manifests.parse(built.output());
    assertThat(manifests.all())
        .extracting(o -> o.getKind())
        .contains(
            "Namespace",
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment",
            "Service",
            "PodDisruptionBudget");
    assertThat(manifests.podSpecs()).isNotEmpty();
    for (Manifests.NamedPodSpec pod : manifests.podSpecs()) {
      assertThat(Manifests.hardeningGaps(pod.spec())).as(pod.name()).isEmpty();
    }
    assertThat(HelmChartTest.rules(manifests.one("ClusterRole", ClusterRole.class).getRules()))
        .containsExactlyInAnyOrderElementsOf(HelmChartTest.EXPECTED_RULES);
    assertThat(manifests.all())
        .filteredOn(
            o ->
                !o.getKind().equals("Namespace")
                    && !o.getKind().startsWith("Cluster")
                    && !o.getKind().equals("CustomResourceDefinition"))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("finetune-system"));
    if (dir.endsWith("monitoring")) {
      assertThat(manifests.all())
          .extracting(o -> o.getKind())
          .contains("ServiceMonitor", "PodMonitor", "PrometheusRule", "ConfigMap");
    }
  }

  @Test
  void renderedManifestsAreUpToDateWithTheChart(@TempDir Path out) throws IOException {
    DeploymentTools.tool("helm"); // the script needs it
    DeploymentTools.Result render =
        DeploymentTools.exec(List.of("bash", "deploy/render-manifests.sh", out.toString()), null);
    assertThat(render.exitCode()).as(render.output()).isZero();
    for (String file :
        new String[] {"base/finetune-operator.yaml", "overlays/monitoring/monitoring.yaml"}) {
      assertThat(Files.readString(DeploymentTools.root().resolve("deploy").resolve(file)))
          .as("deploy/%s is stale: run deploy/render-manifests.sh and commit it", file)
          .isEqualTo(Files.readString(out.resolve(file)));
    }
  }
}
