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
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * deploy/argocd/finetunejob-health.lua, run by a Lua interpreter on sample objects the way Argo CD
 * runs it (the object as the global {@code obj}, a table {status, message} returned).
 */
class ArgoHealthCheckTest {
  private static final String SCRIPT = "deploy/argocd/finetunejob-health.lua";

  @Test
  void noStatusYetIsProgressing() throws IOException {
    Verdict v = verdict("{\"metadata\": {\"generation\": 1}}");
    assertThat(v.status()).isEqualTo("Progressing");
    assertThat(v.message()).isEqualTo("Waiting for the operator to report a status");
  }

  @Test
  void aStaleStatusIsProgressing() throws IOException {
    Verdict v =
        verdict(
            "{\"metadata\": {\"generation\": 3},"
                + " \"status\": {\"observedGeneration\": 2, \"phase\": \"Succeeded\"}}");
    assertThat(v.status()).isEqualTo("Progressing");
    assertThat(v.message()).isEqualTo("Waiting for the operator to observe generation 3");
  }

  @Test
  void aRunningJobIsProgressingWithStepLossAndEta() throws IOException {
    Verdict v =
        verdict(
            "{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1,"
                + " \"phase\": \"Running\", \"message\": \"training\", \"progress\": {\"step\": 120,"
                + " \"totalSteps\": 400, \"loss\": 2.31456, \"eta\": \"18m13s\"}}}");
    assertThat(v.status()).isEqualTo("Progressing");
    assertThat(v.message()).isEqualTo("Running: step 120/400, loss 2.3146, ETA 18m13s");
    Verdict queued =
        verdict(
            "{\"status\": {\"phase\": \"Queued\", \"message\": \"waiting for Kueue to admit"
                + " the Job\"}}");
    assertThat(queued.status()).isEqualTo("Progressing");
    assertThat(queued.message()).isEqualTo("Queued: waiting for Kueue to admit the Job");
  }

  @Test
  void aSucceededJobIsHealthyAndNamesItsResult() throws IOException {
    Verdict v =
        verdict(
            "{\"status\": {\"phase\": \"Succeeded\", \"result\": {\"location\":"
                + " \"pvc://models/bot/final\"}}}");
    assertThat(v.status()).isEqualTo("Healthy");
    assertThat(v.message()).isEqualTo("Succeeded: pvc://models/bot/final");
  }

  @Test
  void aFailedJobIsDegradedWithItsReason() throws IOException {
    Verdict v =
        verdict(
            "{\"status\": {\"phase\": \"Failed\", \"message\": \"train.jsonl: line 5: missing"
                + " field \\\"messages\\\"\"}}");
    assertThat(v.status()).isEqualTo("Degraded");
    assertThat(v.message()).isEqualTo("Failed: train.jsonl: line 5: missing field \"messages\"");
  }

  @Test
  void aSuspendedJobIsSuspended() throws IOException {
    Verdict v = verdict("{\"status\": {\"phase\": \"Suspended\", \"message\": \"\"}}");
    assertThat(v.status()).isEqualTo("Suspended");
    assertThat(v.message()).isEqualTo("Suspended by runPolicy.suspend");
  }

  @Test
  void theArgoCdConfigMapPatchCarriesTheSameScript() throws IOException {
    JsonNode patch =
        new YAMLMapper()
            .readTree(
                DeploymentTools.root().resolve("deploy/argocd/argocd-cm-patch.yaml").toFile());
    assertThat(patch.at("/data/resource.customizations.health.finetune.dev_FineTuneJob").asText())
        .isEqualTo(Files.readString(DeploymentTools.root().resolve(SCRIPT)));
  }

  record Verdict(String status, String message) {}

  private static Verdict verdict(String objectJson) throws IOException {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(new ObjectMapper().readTree(objectJson)));
    LuaValue result =
        globals.load(Files.readString(DeploymentTools.root().resolve(SCRIPT)), SCRIPT).call();
    return new Verdict(result.get("status").tojstring(), result.get("message").tojstring());
  }

  /** JSON as Argo CD hands it to Lua: objects and arrays as tables, numbers as numbers. */
  private static LuaValue toLua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        table.set(e.getKey(), toLua(e.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }
}
