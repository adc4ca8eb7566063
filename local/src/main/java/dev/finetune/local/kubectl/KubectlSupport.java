/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.local.store.NameIndexedCrudDispatcher;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * What kubectl needs from an API server that fabric8's CRUD mock does not answer: legacy discovery
 * ({@code /api}, {@code /apis}, resource lists per group version) and server-side printing (a
 * {@code meta.k8s.io/v1} Table, with the CRD's printer columns for FineTuneJobs). Everything else
 * goes, as in fabric8's mixed dispatcher, to a stubbed answer if one is queued for it, else to the
 * CRUD store — here the store indexed by name ({@link NameIndexedCrudDispatcher}).
 */
public final class KubectlSupport extends Dispatcher implements Resetable, CustomResourceAware {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A resource kubectl may name: plural, kind, namespaced, short names, verbs. */
  private record Resource(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories) {}

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private static final Map<String, List<Resource>> GROUPS =
      Map.of(
          "v1",
          List.of(
              new Resource("namespaces", "Namespace", false, List.of("ns"), List.of()),
              new Resource("pods", "Pod", true, List.of("po"), List.of("all")),
              new Resource("configmaps", "ConfigMap", true, List.of("cm"), List.of()),
              new Resource("secrets", "Secret", true, List.of(), List.of()),
              new Resource("events", "Event", true, List.of("ev"), List.of()),
              new Resource(
                  "persistentvolumeclaims",
                  "PersistentVolumeClaim",
                  true,
                  List.of("pvc"),
                  List.of()),
              new Resource("services", "Service", true, List.of("svc"), List.of("all")),
              new Resource("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of())),
          "batch/v1",
          List.of(new Resource("jobs", "Job", true, List.of(), List.of("all"))),
          "coordination.k8s.io/v1",
          List.of(new Resource("leases", "Lease", true, List.of(), List.of())),
          "apiextensions.k8s.io/v1",
          List.of(
              new Resource(
                  "customresourcedefinitions",
                  "CustomResourceDefinition",
                  false,
                  List.of("crd", "crds"),
                  List.of())),
          "finetune.dev/v1alpha1",
          List.of(
              new Resource(
                  "finetunejobs",
                  "FineTuneJob",
                  true,
                  List.of("ftj"),
                  List.of("all", "finetune"))));

  private final ObjectNode crd;
  private final Map<ServerRequest, Queue<ServerResponse>> responses;
  private final MockDispatcher stubs;
  private final NameIndexedCrudDispatcher store = new NameIndexedCrudDispatcher();

  public KubectlSupport(Map<ServerRequest, Queue<ServerResponse>> responses, ObjectNode crd) {
    this.crd = crd;
    this.responses = responses;
    this.stubs = new MockDispatcher(responses);
  }

  /** A stubbed answer queued for the request, else the store's. */
  private MockResponse base(RecordedRequest request) {
    Queue<ServerResponse> queued =
        responses.get(
            new SimpleRequest(
                io.fabric8.mockwebserver.dsl.HttpMethod.valueOf(request.getMethod()),
                request.getPath()));
    return queued != null && !queued.isEmpty() ? stubs.dispatch(request) : store.dispatch(request);
  }

  @Override
  public void reset() {
    store.reset();
  }

  @Override
  public void expectCustomResource(CustomResourceDefinitionContext context) {
    store.expectCustomResource(context);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if ("GET".equals(request.getMethod())) {
      ObjectNode discovery = discovery(bare);
      if (discovery != null) {
        return json(200, discovery);
      }
      ObjectNode openApi = openApi(bare);
      if (openApi != null) {
        return json(200, openApi);
      }
      if (bare.startsWith("/openapi/")) {
        return json(404, status(404, "NotFound", "this local API serves no OpenAPI documents"));
      }
    }
    String fieldSelector = query(path, "fieldSelector");
    boolean watch = "true".equals(query(path, "watch")) || "1".equals(query(path, "watch"));
    MockResponse response;
    if ("GET".equals(request.getMethod()) && fieldSelector != null && !watch) {
      // The CRUD store ignores field selectors (kubectl describe asks for an object's events).
      response = filtered(request, bare, fieldSelector);
    } else if (("POST".equals(request.getMethod()) && JOBS.matcher(bare).matches())
        || ("PUT".equals(request.getMethod()) && JOB.matcher(bare).matches())) {
      response = base(JobDefaults.apply(request));
    } else if ("GET".equals(request.getMethod()) && !watch) {
      response = typedList(base(request), bare);
    } else {
      response = base(request);
    }
    if (response.header("Content-Type") == null && looksLikeJson(response)) {
      // kubectl asks for protobuf first for built-in kinds and trusts the content type.
      response.setHeader("Content-Type", "application/json");
    }
    String accept = String.valueOf(request.getHeader("Accept"));
    if ("GET".equals(request.getMethod())
        && accept.contains("as=Table")
        && response.code() == 200) {
      try {
        JsonNode body = JSON.readTree(response.getBody().getBytes());
        return json(200, PrintColumns.table(body, crd));
      } catch (Exception notJson) {
        return response;
      }
    }
    return response;
  }

  private static final java.util.regex.Pattern JOBS =
      java.util.regex.Pattern.compile("/apis/batch/v1/namespaces/[^/]+/jobs");
  private static final java.util.regex.Pattern JOB =
      java.util.regex.Pattern.compile("/apis/batch/v1/namespaces/[^/]+/jobs/[^/]+");

  private static boolean looksLikeJson(MockResponse response) {
    if (response.getBody() == null || response.getBody().size() == 0) {
      return false;
    }
    byte first = response.getBody().getBytes()[0];
    return first == '{' || first == '[';
  }

  /**
   * A list as typed clients (kubectl describe, kubectl events) decode it: {@code EventList} of
   * {@code v1}, not the store's generic {@code List} (which decodes as empty).
   */
  private static ObjectNode typed(ObjectNode list, String bare) {
    if (!"List".equals(list.path("kind").asText())) {
      return list;
    }
    String plural = bare.substring(bare.lastIndexOf('/') + 1);
    GROUPS.forEach(
        (groupVersion, resources) ->
            resources.stream()
                .filter(r -> r.plural().equals(plural) && bare.contains("/" + groupVersion + "/"))
                .findFirst()
                .ifPresent(
                    r -> list.put("kind", r.kind() + "List").put("apiVersion", groupVersion)));
    return list;
  }

  /** The apiVersion and kind served at a collection path, if it is one kubectl may name. */
  static java.util.Optional<List<String>> kindAt(String bare) {
    String plural = bare.substring(bare.lastIndexOf('/') + 1);
    for (Map.Entry<String, List<Resource>> group : GROUPS.entrySet()) {
      for (Resource r : group.getValue()) {
        if (r.plural().equals(plural) && bare.contains("/" + group.getKey() + "/")) {
          return java.util.Optional.of(List.of(group.getKey(), r.kind()));
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** A collection GET's answer with its list typed (see {@link #typed}). */
  private static MockResponse typedList(MockResponse response, String bare) {
    if (response.code() != 200 || !looksLikeJson(response)) {
      return response;
    }
    try {
      JsonNode body = JSON.readTree(response.getBody().getBytes());
      if (body instanceof ObjectNode list && "List".equals(list.path("kind").asText())) {
        return json(200, typed(list, bare));
      }
    } catch (IOException notJson) {
      // answered as it is
    }
    return response;
  }

  /** The list at {@code bare} with only the items the field selector selects. */
  private MockResponse filtered(RecordedRequest request, String bare, String fieldSelector) {
    MockResponse all =
        base(
            new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                bare,
                request.getHeaders(),
                request.getBody()));
    if (all.code() != 200) {
      return all;
    }
    try {
      ObjectNode list = (ObjectNode) JSON.readTree(all.getBody().readByteArray());
      ArrayNode kept = JSON.createArrayNode();
      list.path("items")
          .forEach(
              item -> {
                if (matches(item, fieldSelector)) {
                  kept.add(item);
                }
              });
      list.set("items", kept);
      return json(200, typed(list, bare));
    } catch (Exception notAList) {
      return all;
    }
  }

  /** A query parameter, URL-decoded, or null. */
  private static String query(String path, String name) {
    int q = path.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : path.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(
            pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** {@code a.b=v,c!=w} against an object's fields. */
  static boolean matches(JsonNode item, String selector) {
    for (String term : selector.split(",")) {
      boolean negated = term.contains("!=");
      String[] kv = term.split(negated ? "!=" : "==?", 2);
      if (kv.length != 2) {
        continue;
      }
      String actual = item.at("/" + kv[0].strip().replace('.', '/')).asText("");
      if (actual.equals(kv[1].strip()) == negated) {
        return false;
      }
    }
    return true;
  }

  private ObjectNode discovery(String path) {
    if (path.equals("/api")) {
      ObjectNode versions = JSON.createObjectNode().put("kind", "APIVersions");
      versions.putArray("versions").add("v1");
      versions
          .putArray("serverAddressByClientCIDRs")
          .addObject()
          .put("clientCIDR", "0.0.0.0/0")
          .put("serverAddress", "127.0.0.1");
      return versions;
    }
    if (path.equals("/apis")) {
      ObjectNode list = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
      ArrayNode groups = list.putArray("groups");
      GROUPS.keySet().stream()
          .filter(gv -> gv.contains("/"))
          .sorted()
          .forEach(
              gv -> {
                String group = gv.substring(0, gv.indexOf('/'));
                String version = gv.substring(gv.indexOf('/') + 1);
                ObjectNode g = groups.addObject().put("name", group);
                ObjectNode v =
                    JSON.createObjectNode().put("groupVersion", gv).put("version", version);
                g.putArray("versions").add(v);
                g.set("preferredVersion", v.deepCopy());
              });
      return list;
    }
    String gv =
        path.startsWith("/api/")
            ? path.substring("/api/".length())
            : path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
    if (gv == null || !GROUPS.containsKey(gv)) {
      return null;
    }
    ObjectNode list =
        JSON.createObjectNode()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", gv);
    ArrayNode resources = list.putArray("resources");
    for (Resource r : GROUPS.get(gv)) {
      ObjectNode node =
          resources
              .addObject()
              .put("name", r.plural())
              .put("singularName", r.kind().toLowerCase())
              .put("namespaced", r.namespaced())
              .put("kind", r.kind());
      VERBS.forEach(node.putArray("verbs")::add);
      r.shortNames().forEach(node.putArray("shortNames")::add);
      if (!r.categories().isEmpty()) {
        r.categories().forEach(node.putArray("categories")::add);
      }
      if (gv.equals("finetune.dev/v1alpha1")
          || r.plural().equals("pods")
          || r.plural().equals("jobs")) {
        ObjectNode status =
            resources
                .addObject()
                .put("name", r.plural() + "/status")
                .put("singularName", "")
                .put("namespaced", r.namespaced())
                .put("kind", r.kind());
        List.of("get", "patch", "update").forEach(status.putArray("verbs")::add);
      }
    }
    return list;
  }

  /**
   * OpenAPI v3 for kubectl's client-side validation of FineTuneJobs ({@code kubectl apply}): the
   * index, and the finetune.dev/v1alpha1 document with the CRD's schema under its
   * group-version-kind.
   */
  private ObjectNode openApi(String path) {
    String gvPath = "apis/finetune.dev/v1alpha1";
    if (path.equals("/openapi/v3")) {
      ObjectNode index = JSON.createObjectNode();
      index.putObject("paths").putObject(gvPath).put("serverRelativeURL", "/openapi/v3/" + gvPath);
      return index;
    }
    if (!path.equals("/openapi/v3/" + gvPath)) {
      return null;
    }
    ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "finetune-operator local").put("version", "v1alpha1");
    // kubectl looks for the PATCH operation of the kind and whether it takes fieldValidation: if
    // so, it leaves validation to the server (which here stores what it gets).
    ObjectNode patch =
        doc.putObject("paths")
            .putObject("/" + gvPath + "/namespaces/{namespace}/finetunejobs/{name}")
            .putObject("patch");
    patch
        .putObject("x-kubernetes-group-version-kind")
        .put("group", "finetune.dev")
        .put("version", "v1alpha1")
        .put("kind", "FineTuneJob");
    patch
        .putArray("parameters")
        .addObject()
        .put("name", "fieldValidation")
        .put("in", "query")
        .putObject("schema")
        .put("type", "string");
    ObjectNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema").deepCopy();
    ObjectNode properties = (ObjectNode) schema.get("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties
        .putObject("metadata")
        .put("type", "object")
        .put("x-kubernetes-preserve-unknown-fields", true);
    schema
        .putArray("x-kubernetes-group-version-kind")
        .addObject()
        .put("group", "finetune.dev")
        .put("kind", "FineTuneJob")
        .put("version", "v1alpha1");
    doc.putObject("components")
        .putObject("schemas")
        .set("dev.finetune.v1alpha1.FineTuneJob", schema);
    return doc;
  }

  /** A Kubernetes Status (a failed request's answer). */
  static ObjectNode status(int code, String reason, String message) {
    return JSON.createObjectNode()
        .put("kind", "Status")
        .put("apiVersion", "v1")
        .put("status", "Failure")
        .put("reason", reason)
        .put("message", message)
        .put("code", code);
  }

  private static MockResponse json(int code, JsonNode body) {
    try {
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(JSON.writeValueAsString(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
