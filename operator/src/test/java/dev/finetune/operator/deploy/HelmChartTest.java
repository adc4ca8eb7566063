/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.finetune.api.testing.DeploymentTools;
import dev.finetune.operator.desired.ChildLabels;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Helm chart, rendered and linted by the real helm, checked object by object. */
class HelmChartTest {
  static final String CHART = "helm/finetune-operator";

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", List.of()),
        Arguments.of(
            "namespaced RBAC",
            List.of("--set", "rbac.scope=namespaced", "--set", "watchNamespaces={ml,research}")),
        Arguments.of(
            "monitoring on",
            List.of(
                "--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.podMonitor.enabled=true",
                "--set", "prometheusRule.enabled=true",
                "--set", "grafanaDashboard.enabled=true",
                "--set", "networkPolicy.enabled=true",
                "--set", "watchNamespaces={ml}")),
        Arguments.of("replicas 2", List.of("--set", "replicaCount=2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void lintStrictReportsNothing(String name, List<String> values) throws IOException {
    List<String> args = new ArrayList<>(List.of("lint", "--strict", CHART));
    args.addAll(values);
    DeploymentTools.Result lint = DeploymentTools.run("helm", null, args.toArray(String[]::new));
    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output().lines())
        .as("helm lint --strict findings")
        .noneMatch(
            l -> l.startsWith("[INFO]") || l.startsWith("[WARNING]") || l.startsWith("[ERROR]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyPodTemplateIsHardened(String name, List<String> values) throws IOException {
    Manifests rendered = render(values);
    assertThat(rendered.podSpecs()).isNotEmpty();
    for (Manifests.NamedPodSpec pod : rendered.podSpecs()) {
      assertThat(Manifests.hardeningGaps(pod.spec())).as(pod.name()).isEmpty();
      assertThat(pod.spec().getContainers())
          .allSatisfy(c -> assertThat(c.getResources().getLimits()).containsKey("memory"));
    }
  }

  @Test
  void theHardeningCheckFindsAnInsecurePod() throws IOException {
    Manifests insecure =
        Manifests.parse(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: insecure}
            spec:
              selector: {matchLabels: {a: b}}
              template:
                metadata: {labels: {a: b}}
                spec:
                  containers:
                    - name: app
                      image: app
                      securityContext: {privileged: true}
            """);
    assertThat(Manifests.hardeningGaps(insecure.podSpecs().get(0).spec()))
        .contains(
            "pod: runAsNonRoot is not true",
            "pod: seccompProfile is not RuntimeDefault",
            "container app: allowPrivilegeEscalation is not false",
            "container app: readOnlyRootFilesystem is not true",
            "container app: privileged",
            "container app: capabilities do not drop ALL");
  }

  @Test
  void clusterRbacGrantsOnlyWhatTheOperatorCalls() throws IOException {
    Manifests rendered = render(List.of());
    ClusterRole role = rendered.one("ClusterRole", ClusterRole.class);
    assertThat(rules(role.getRules())).containsExactlyInAnyOrderElementsOf(EXPECTED_RULES);
    assertThat(rendered.ofKind("Role")).as("no lease Role with one replica").isEmpty();
    assertThat(rendered.ofKind("ClusterRoleBinding")).hasSize(1);
  }

  @Test
  void namespacedRbacCreatesRolesOnlyInTheWatchedNamespaces() throws IOException {
    Manifests rendered =
        render(List.of("--set", "rbac.scope=namespaced", "--set", "watchNamespaces={ml,research}"));
    assertThat(rendered.ofKind("ClusterRole")).isEmpty();
    assertThat(rendered.ofKind("ClusterRoleBinding")).isEmpty();
    List<Role> roles = rendered.typed("Role", Role.class);
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("ml", "research");
    for (Role role : roles) {
      assertThat(rules(role.getRules())).containsExactlyInAnyOrderElementsOf(EXPECTED_RULES);
    }
    assertThat(rendered.typed("RoleBinding", RoleBinding.class))
        .allSatisfy(
            b -> {
              assertThat(b.getSubjects()).hasSize(1);
              assertThat(b.getSubjects().get(0).getNamespace()).isEqualTo("fto");
            });
    assertThat(env(rendered, "FTO_NAMESPACES")).isEqualTo("ml,research");

    DeploymentTools.Result without =
        DeploymentTools.run("helm", null, "template", "t", CHART, "--set", "rbac.scope=namespaced");
    assertThat(without.exitCode()).isNotZero();
    assertThat(without.output()).contains("rbac.scope=namespaced needs watchNamespaces");
  }

  @Test
  void leaderElectionIsOnWithMoreThanOneReplica() throws IOException {
    assertThat(env(render(List.of()), "FTO_LEADER_ELECTION")).isEqualTo("false");
    Manifests two = render(List.of("--set", "replicaCount=2"));
    assertThat(env(two, "FTO_LEADER_ELECTION")).isEqualTo("true");
    assertThat(env(two, "FTO_LEASE_NAMESPACE")).isEqualTo("fto");
    Role lease = two.one("Role", Role.class);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo("fto");
    assertThat(rules(lease.getRules()))
        .containsExactly("coordination.k8s.io leases [get, create, update, patch]");
    assertThat(two.one("Deployment", Deployment.class).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void aTypoInValuesFailsTheInstall() throws IOException {
    DeploymentTools.Result typo =
        DeploymentTools.run("helm", null, "template", "t", CHART, "--set", "replicCount=2");
    assertThat(typo.exitCode()).isNotZero();
    assertThat(typo.output()).contains("additional properties 'replicCount' not allowed");
    DeploymentTools.Result insecure =
        DeploymentTools.run(
            "helm",
            null,
            "template",
            "t",
            CHART,
            "--set",
            "securityContext.readOnlyRootFilesystem=false");
    assertThat(insecure.exitCode()).isNotZero();
  }

  @Test
  void theChartInstallsTheGeneratedCrd() throws IOException {
    DeploymentTools.Result out =
        DeploymentTools.run("helm", null, "template", "t", CHART, "--include-crds", "-n", "fto");
    assertThat(out.exitCode()).as(out.output()).isZero();
    GenericKubernetesResource crd =
        Manifests.parse(out.output()).ofKind("CustomResourceDefinition").findFirst().orElseThrow();
    JsonNode rendered = new ObjectMapper().valueToTree(crd);
    JsonNode committed =
        new ObjectMapper()
            .valueToTree(
                Manifests.parse(
                        Files.readString(
                            DeploymentTools.root()
                                .resolve("crds/finetunejobs.finetune.dev-v1.yml")))
                    .all()
                    .get(0));
    assertThat(rendered).isEqualTo(committed);
  }

  @Test
  void monitoringObjectsMatchWhatTheOperatorAndTrainerExpose(@TempDir Path dir) throws IOException {
    Manifests rendered =
        render(
            List.of(
                "--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.podMonitor.enabled=true",
                "--set", "prometheusRule.enabled=true",
                "--set", "grafanaDashboard.enabled=true",
                "--set", "networkPolicy.enabled=true",
                "--set", "watchNamespaces={ml}"));
    GenericKubernetesResource podMonitor = rendered.ofKind("PodMonitor").findFirst().orElseThrow();
    JsonNode pm = new ObjectMapper().valueToTree(podMonitor.getAdditionalProperties().get("spec"));
    assertThat(pm.at("/selector/matchLabels/" + escape(ChildLabels.MANAGED_BY)).asText())
        .isEqualTo(ChildLabels.MANAGED_BY_VALUE);
    assertThat(pm.at("/selector/matchLabels/" + escape(ChildLabels.COMPONENT)).asText())
        .isEqualTo("trainer");
    assertThat(pm.at("/podMetricsEndpoints/0/port").asText())
        .isEqualTo(TrainerJobDependentResource.PORT_NAME);

    NetworkPolicy trainers =
        rendered.typed("NetworkPolicy", NetworkPolicy.class).stream()
            .filter(p -> p.getMetadata().getNamespace().equals("ml"))
            .findFirst()
            .orElseThrow();
    assertThat(trainers.getSpec().getPodSelector().getMatchLabels())
        .containsEntry(ChildLabels.COMPONENT, "trainer");
    assertThat(trainers.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal())
        .isEqualTo(8000);

    // The alert rules pass promtool, and their unit tests (deploy/tests/alerts-test.yaml) pass.
    JsonNode rule =
        new ObjectMapper()
            .valueToTree(
                rendered
                    .ofKind("PrometheusRule")
                    .findFirst()
                    .orElseThrow()
                    .getAdditionalProperties()
                    .get("spec"));
    Path rules = dir.resolve("rules.yaml");
    new YAMLMapper().writeValue(rules.toFile(), rule);
    DeploymentTools.Result check =
        DeploymentTools.run("promtool", null, "check", "rules", rules.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 6 rules found");
    Path tests = dir.resolve("alerts-test.yaml");
    Files.writeString(
        tests,
        Files.readString(DeploymentTools.root().resolve("deploy/tests/alerts-test.yaml"))
            .replace("RULES_FILE", rules.toString()));
    DeploymentTools.Result unit =
        DeploymentTools.run("promtool", null, "test", "rules", tests.toString());
    assertThat(unit.exitCode()).as(unit.output()).isZero();

    // Every metric the dashboard queries is one the operator or the trainer exports.
    String dashboard =
        rendered
            .ofKind("ConfigMap")
            .findFirst()
            .orElseThrow()
            .get("data", "finetune-operator.json");
    JsonNode json = new ObjectMapper().readTree(dashboard);
    List<String> exprs = new ArrayList<>();
    json.get("panels")
        .forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(10);
    Pattern metric = Pattern.compile("\\b(finetune_[a-z_]+|operator_sdk_[a-z_]+)");
    for (String expr : exprs) {
      // Label matchers and groupings name labels (finetune_job), not metrics.
      Matcher m =
          metric.matcher(expr.replaceAll("\\{[^}]*\\}", "").replaceAll("by \\([^)]*\\)", ""));
      assertThat(m.find()).as(expr).isTrue();
      do {
        assertThat(KNOWN_METRICS).as(expr).contains(m.group(1));
      } while (m.find());
    }
  }

  /** Metric names the processes export (see the README's metrics list). */
  static final Set<String> KNOWN_METRICS =
      Set.of(
          "finetune_jobs",
          "finetune_gpus_in_use",
          "finetune_trainer_step",
          "finetune_trainer_total_steps",
          "finetune_trainer_loss",
          "finetune_trainer_eval_loss",
          "finetune_trainer_learning_rate",
          "finetune_trainer_tokens_total",
          "finetune_trainer_step_duration_seconds_sum",
          "finetune_trainer_step_duration_seconds_count",
          "operator_sdk_controllers_execution_reconcile_seconds_count",
          "operator_sdk_controllers_execution_reconcile_seconds_bucket",
          "operator_sdk_reconciliations_failed_total");

  static final List<String> EXPECTED_RULES =
      List.of(
          "finetune.dev finetunejobs [get, list, watch]",
          "finetune.dev finetunejobs/status [get, patch, update]",
          " configmaps [get, list, watch, create]",
          " persistentvolumeclaims [get, list, watch, create]",
          "batch jobs [get, list, watch, create, patch, delete]",
          " pods [get, list, watch]",
          " events [get, create, patch]");

  /** One line per (group, resource): "group resource [verbs]". */
  static List<String> rules(List<PolicyRule> rules) {
    List<String> lines = new ArrayList<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          lines.add(group + " " + resource + " " + rule.getVerbs());
        }
      }
    }
    return lines;
  }

  static Manifests render(List<String> values) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("template", "finetune-operator", CHART, "-n", "fto"));
    args.addAll(values);
    DeploymentTools.Result out = DeploymentTools.run("helm", null, args.toArray(String[]::new));
    assertThat(out.exitCode()).as(out.output()).isZero();
    return Manifests.parse(out.output());
  }

  private static String env(Manifests rendered, String name) {
    return rendered
        .one("Deployment", Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }

  /** A label key as a JSON pointer segment. */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
