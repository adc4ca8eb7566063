/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelOptionalLibrary;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the generated CRD's {@code x-kubernetes-validations} with CEL-Java, the way the API
 * server would on create (self) and update (self and oldSelf). Only standard CEL plus the optional
 * library (which Kubernetes enables) is used by the rules, so CEL-Java can run all of them.
 */
class CrdValidationRulesTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final String BASE =
      """
      model: {source: hf://openai-community/gpt2}
      dataset:
        train: {source: pvc://datasets/train.jsonl}
        format: text
      """;

  /** A rule and where in the object it sits (property names below the root, e.g. spec.method). */
  record Rule(List<String> path, String expression, String message) {}

  static List<Rule> rules;
  static Cel cel;

  @BeforeAll
  static void loadRules() throws IOException {
    JsonNode crd =
        YAML.readTree(Path.of("target/classes/META-INF/fabric8", CrdDriftTest.CRD_FILE).toFile());
    JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    rules = new ArrayList<>();
    collect(schema, new ArrayList<>(), rules);
    cel =
        CelFactory.standardCelBuilder()
            .setOptions(CelOptions.current().enableOptionalSyntax(true).build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelOptionalLibrary.INSTANCE)
            .addRuntimeLibraries(CelOptionalLibrary.INSTANCE)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();
  }

  @Test
  void everyRuleCompilesAndTheExpectedRulesExist() throws Exception {
    for (Rule rule : rules) {
      cel.compile(rule.expression()).getAst();
    }
    assertThat(rules)
        .extracting(Rule::message)
        .contains(
            "method.lora may only be set when method.type is lora",
            "set either dataset.validation or dataset.validationSplit, not both",
            "spec.model is immutable",
            "spec.runPolicy is immutable except runPolicy.suspend");
  }

  @Test
  void validSpecPassesOnCreate() throws Exception {
    assertThat(violations(BASE, null)).isEmpty();
    assertThat(
            violations(
                BASE
                    + "method: {type: lora, lora: {rank: 8}}\n"
                    + "hyperparameters: {warmupRatio: 0.1, epochs: 2}\n"
                    + "checkpoints: {storage: {size: 10Gi, storageClassName: fast}}\n",
                null))
        .isEmpty();
  }

  @Test
  void crossFieldRulesRejectContradictions() throws Exception {
    assertThat(violations(BASE + "method: {type: full, lora: {rank: 8}}\n", null))
        .containsExactly("method.lora may only be set when method.type is lora");
    assertThat(violations(BASE + "method: {lora: {rank: 8}}\n", null))
        .containsExactly("method.lora may only be set when method.type is lora");
    assertThat(violations(BASE + "hyperparameters: {warmupRatio: 0.1, warmupSteps: 5}\n", null))
        .containsExactly(
            "set either hyperparameters.warmupRatio or hyperparameters.warmupSteps, not both");
    assertThat(violations(BASE + "hyperparameters: {epochs: 1, maxSteps: 5}\n", null))
        .containsExactly("set either hyperparameters.epochs or hyperparameters.maxSteps, not both");
    assertThat(violations(BASE + "checkpoints: {storage: {existingClaim: ws, size: 1Gi}}\n", null))
        .containsExactly(
            "checkpoints.storage.existingClaim cannot be combined with size or storageClassName");
    String both =
        BASE.replace(
            "  format: text\n",
            "  format: text\n  validation: {source: pvc://d/v.jsonl}\n  validationSplit: 0.1\n");
    assertThat(violations(both, null))
        .containsExactly("set either dataset.validation or dataset.validationSplit, not both");
  }

  @Test
  void dpoSettingsOnlyWithObjectiveDpoAndLabelSmoothingOnlyWithRobust() throws Exception {
    String preference = BASE.replace("format: text", "format: preference");
    assertThat(violations(preference + "method: {objective: dpo}\n", null)).isEmpty();
    assertThat(
            violations(
                preference
                    + "method: {objective: dpo, dpo: {beta: 0.5, loss: robust,"
                    + " labelSmoothing: 0.1}}\n",
                null))
        .isEmpty();
    assertThat(
            violations(
                preference + "method: {objective: dpo, dpo: {loss: ipo, labelSmoothing: 0.0}}\n",
                null))
        .as("a flip rate of 0 is no flip rate")
        .isEmpty();
    assertThat(violations(BASE + "method: {dpo: {beta: 0.5}}\n", null))
        .containsExactly("method.dpo may only be set when method.objective is dpo");
    assertThat(violations(BASE + "method: {objective: sft, dpo: {}}\n", null))
        .containsExactly("method.dpo may only be set when method.objective is dpo");
    assertThat(
            violations(preference + "method: {objective: dpo, dpo: {labelSmoothing: 0.1}}\n", null))
        .containsExactly("method.dpo.labelSmoothing is only used by loss robust");
    assertThat(
            violations(
                preference
                    + "method: {objective: dpo, dpo: {loss: sigmoid, labelSmoothing: 0.1}}\n",
                null))
        .containsExactly("method.dpo.labelSmoothing is only used by loss robust");
  }

  @Test
  void aMergedModelIsPublishedOnlyFromALoraRun() throws Exception {
    String merged = "output: {publish: {to: oci://r.example/m, what: merged}}\n";
    assertThat(violations(BASE + "method: {type: lora}\n" + merged, null)).isEmpty();
    assertThat(violations(BASE + "output: {publish: {to: oci://r.example/m}}\n", null)).isEmpty();
    assertThat(violations(BASE + "output: {publish: {to: oci://r.example/m, what: final}}\n", null))
        .isEmpty();
    assertThat(violations(BASE + merged, null))
        .containsExactly(
            "spec.output.publish.what merged is a LoRA run's merged model; with method full,"
                + " publish final");
    assertThat(violations(BASE + "method: {type: full}\n" + merged, null))
        .containsExactly(
            "spec.output.publish.what merged is a LoRA run's merged model; with method full,"
                + " publish final");
  }

  @Test
  void pullCredentialsAndPlainHttpAreForAnOciModelOnly() throws Exception {
    String oci =
        BASE.replace(
            "model: {source: hf://openai-community/gpt2}",
            "model: {source: oci://r.example/m:v1, credentialsSecretRef: {name: pull},"
                + " insecure: true}");
    assertThat(oci).isNotEqualTo(BASE);
    assertThat(violations(oci, null)).isEmpty();
    String hub =
        BASE.replace(
            "model: {source: hf://openai-community/gpt2}",
            "model: {source: hf://openai-community/gpt2, insecure: true}");
    assertThat(violations(hub, null))
        .containsExactly("model.credentialsSecretRef and model.insecure are for an oci:// source");
  }

  @Test
  void trainingFieldsAreImmutable() throws Exception {
    String old = BASE + "hyperparameters: {learningRate: 0.0001}\nresources: {gpus: 1}\n";
    assertThat(violations(old, old)).isEmpty();
    assertThat(violations(old.replace("gpt2", "gpt2-medium"), old))
        .containsExactly("spec.model is immutable");
    assertThat(violations(old.replace("0.0001", "0.001"), old))
        .containsExactly("spec.hyperparameters is immutable");
    assertThat(violations(old.replace("gpus: 1", "gpus: 2"), old))
        .containsExactly("spec.resources is immutable");
    assertThat(violations(old + "image: my/trainer:2\n", old))
        .as("adding a field is a change")
        .containsExactly("spec.image is immutable");
    assertThat(violations(old, old + "method: {type: full}\n"))
        .as("removing a field is a change")
        .containsExactly("spec.method is immutable");
  }

  @Test
  void suspendIsTheOneFieldThatMayChange() throws Exception {
    String running = BASE + "runPolicy: {backoffLimit: 2}\n";
    String suspended = BASE + "runPolicy: {backoffLimit: 2, suspend: true}\n";
    assertThat(violations(suspended, running)).isEmpty();
    assertThat(violations(running, suspended)).isEmpty();
    assertThat(violations(BASE + "runPolicy: {suspend: true}\n", BASE)).isEmpty();
    assertThat(violations(BASE + "runPolicy: {backoffLimit: 5, suspend: true}\n", running))
        .containsExactly("spec.runPolicy is immutable except runPolicy.suspend");
    assertThat(violations(BASE + "runPolicy: {ttlSecondsAfterFinished: 60}\n", BASE))
        .containsExactly("spec.runPolicy is immutable except runPolicy.suspend");
  }

  /** Messages of the rules that fail for this spec (and, on update, the old spec). */
  static List<String> violations(String specYaml, String oldSpecYaml) throws Exception {
    Map<String, Object> root = Map.of("spec", toCel(YAML.readTree(specYaml)));
    Map<String, Object> oldRoot =
        oldSpecYaml == null ? null : Map.of("spec", toCel(YAML.readTree(oldSpecYaml)));
    List<String> failed = new ArrayList<>();
    for (Rule rule : rules) {
      boolean transition = rule.expression().contains("oldSelf");
      Object self = at(root, rule.path());
      Object oldSelf = oldRoot == null ? null : at(oldRoot, rule.path());
      // The API server skips a rule whose object is absent, and a transition rule on create.
      if (self == null || (transition && oldSelf == null)) {
        continue;
      }
      Map<String, Object> vars = new LinkedHashMap<>();
      vars.put("self", self);
      if (transition) {
        vars.put("oldSelf", oldSelf);
      }
      if (!evaluate(rule, vars)) {
        failed.add(rule.message());
      }
    }
    return failed;
  }

  private static boolean evaluate(Rule rule, Map<String, Object> vars) throws Exception {
    try {
      return (Boolean) cel.createProgram(cel.compile(rule.expression()).getAst()).eval(vars);
    } catch (CelEvaluationException e) {
      throw new AssertionError("rule " + rule.expression() + " failed to evaluate", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> root, List<String> path) {
    Object node = root;
    for (String name : path) {
      if (!(node instanceof Map<?, ?> map) || !map.containsKey(name)) {
        return null;
      }
      node = ((Map<String, Object>) map).get(name);
    }
    return node;
  }

  private static void collect(JsonNode schema, List<String> path, List<Rule> out) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      out.add(new Rule(List.copyOf(path), v.get("rule").asText(), v.get("message").asText()));
    }
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      List<String> child = new ArrayList<>(path);
      child.add(property.getKey());
      collect(property.getValue(), child, out);
    }
  }

  /** JSON to CEL values: integers as long, other numbers as double. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.isNull() ? null : node.asText();
  }
}
