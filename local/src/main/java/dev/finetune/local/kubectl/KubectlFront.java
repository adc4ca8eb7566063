/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.finetune.local.kubelet.PodLogs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address kubectl talks to in local mode. fabric8's mock API answers a fixed body per request
 * and watches only over WebSockets, so this front serves the two streaming things kubectl needs
 * itself — watches over plain HTTP ({@code get -w}, {@code wait}) and pod logs ({@code logs}, with
 * {@code -f}) — and passes every other request to the mock unchanged.
 */
public final class KubectlFront implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");

  /** Headers the JDK client sets itself and hop-by-hop headers. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "transfer-encoding",
          "keep-alive");

  private static final Duration POLL = Duration.ofMillis(300);
  private static final int HEARTBEAT_POLLS = 30;

  private final HttpServer server;
  private final URI backend;
  private final JsonNode crd;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(POLL).build();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kubectl-front");
            t.setDaemon(true);
            return t;
          });
  private volatile PodLogs logs;
  private volatile boolean closed;

  private KubectlFront(HttpServer server, URI backend, JsonNode crd) {
    this.server = server;
    this.backend = backend;
    this.crd = crd;
  }

  /** Listens on 127.0.0.1:{@code port} (0: a free port) in front of the API at {@code backend}. */
  public static KubectlFront start(int port, URI backend, JsonNode crd) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    KubectlFront front = new KubectlFront(server, backend, crd);
    server.createContext("/", front::handle);
    server.setExecutor(front.threads);
    server.start();
    return front;
  }

  /** Serves {@code kubectl logs} from these pods' log files. */
  public void servePodLogs(PodLogs podLogs) {
    this.logs = podLogs;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      boolean get = "GET".equals(exchange.getRequestMethod());
      Matcher log = LOG.matcher(path);
      if (get && log.matches()) {
        servePodLog(exchange, log.group(1), log.group(2), query);
      } else if (get && isWatch(query) && !isUpgrade(exchange)) {
        serveWatch(exchange, path, query);
      } else {
        forward(exchange);
      }
    } catch (IOException clientGone) {
      // kubectl ended a stream (Ctrl-C, --request-timeout): nothing to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isWatch(Map<String, String> query) {
    String watch = query.getOrDefault("watch", "");
    return watch.equals("true") || watch.equals("1");
  }

  private static boolean isUpgrade(HttpExchange exchange) {
    String upgrade = exchange.getRequestHeaders().getFirst("Upgrade");
    return upgrade != null && !upgrade.isBlank();
  }

  private void forward(HttpExchange exchange) throws IOException, InterruptedException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI().toString().substring(1)))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
              }
            });
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] answer = response.body();
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      exchange.getResponseBody().write(answer);
    }
  }

  /**
   * A watch as the API server streams it over HTTP: one JSON event per line (ADDED, MODIFIED,
   * DELETED), found by listing the collection every 300 ms and comparing resource versions. Events
   * are Tables when kubectl asks for them ({@code get -w}).
   */
  private void serveWatch(HttpExchange exchange, String path, Map<String, String> query)
      throws IOException, InterruptedException {
    Map<String, String> listQuery = new LinkedHashMap<>(query);
    List.of(
            "watch",
            "resourceVersion",
            "timeoutSeconds",
            "allowWatchBookmarks",
            "sendInitialEvents")
        .forEach(listQuery::remove);
    URI list = backend.resolve(path.substring(1) + queryString(listQuery));
    boolean table =
        String.valueOf(exchange.getRequestHeaders().getFirst("Accept")).contains("as=Table");
    long deadline =
        query.containsKey("timeoutSeconds")
            ? System.nanoTime() + Long.parseLong(query.get("timeoutSeconds")) * 1_000_000_000L
            : Long.MAX_VALUE;
    long since = parseLong(query.get("resourceVersion"));
    // The watch-list protocol (kubectl 1.35): every object as ADDED, then a bookmark.
    boolean initialEvents = "true".equals(query.get("sendInitialEvents"));
    if (initialEvents) {
      since = 0;
    }

    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    Map<String, JsonNode> known = new HashMap<>();
    boolean first = true;
    for (JsonNode item : items(list)) {
      long version = parseLong(item.at("/metadata/resourceVersion").asText());
      if (since <= 0 || version > since) {
        first = send(out, since <= 0 ? "ADDED" : "MODIFIED", item, table, first);
      }
      known.put(uid(item), item);
    }
    if (initialEvents) {
      first = bookmark(out, path, known.values(), first);
    }
    for (int poll = 1; !closed && System.nanoTime() < deadline; poll++) {
      Thread.sleep(POLL.toMillis());
      Map<String, JsonNode> now = new HashMap<>();
      for (JsonNode item : items(list)) {
        now.put(uid(item), item);
        JsonNode before = known.get(uid(item));
        if (before == null) {
          first = send(out, "ADDED", item, table, first);
        } else if (!version(before).equals(version(item))) {
          first = send(out, "MODIFIED", item, table, first);
        }
      }
      for (Map.Entry<String, JsonNode> gone : known.entrySet()) {
        if (!now.containsKey(gone.getKey())) {
          first = send(out, "DELETED", gone.getValue(), table, first);
        }
      }
      known = now;
      if (poll % HEARTBEAT_POLLS == 0) {
        // Whitespace between events is allowed; writing it finds a client that went away.
        out.write('\n');
        out.flush();
      }
    }
  }

  private boolean send(OutputStream out, String type, JsonNode item, boolean table, boolean first)
      throws IOException {
    ObjectNode event = JSON.createObjectNode().put("type", type);
    event.set("object", table ? PrintColumns.table(item, crd, first) : item);
    out.write(JSON.writeValueAsBytes(event));
    out.write('\n');
    out.flush();
    return false;
  }

  /** A BOOKMARK that ends the initial events, at the newest resource version seen. */
  private static boolean bookmark(
      OutputStream out, String path, java.util.Collection<JsonNode> items, boolean first)
      throws IOException {
    long newest = 0;
    for (JsonNode item : items) {
      newest = Math.max(newest, parseLong(version(item)));
    }
    List<String> kind = KubectlSupport.kindAt(path).orElse(List.of("v1", "List"));
    ObjectNode object =
        JSON.createObjectNode().put("apiVersion", kind.get(0)).put("kind", kind.get(1));
    ObjectNode metadata =
        object.putObject("metadata").put("resourceVersion", Long.toString(newest));
    metadata.putObject("annotations").put("k8s.io/initial-events-end", "true");
    ObjectNode event = JSON.createObjectNode().put("type", "BOOKMARK");
    event.set("object", object);
    out.write(JSON.writeValueAsBytes(event));
    out.write('\n');
    out.flush();
    return first;
  }

  private List<JsonNode> items(URI list) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(list).header("Accept", "application/json").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    List<JsonNode> items = new ArrayList<>();
    if (response.statusCode() == 200) {
      JSON.readTree(response.body()).path("items").forEach(items::add);
    }
    return items;
  }

  private static String uid(JsonNode item) {
    return item.at("/metadata/uid").asText(item.at("/metadata/name").asText());
  }

  private static String version(JsonNode item) {
    return item.at("/metadata/resourceVersion").asText();
  }

  /**
   * {@code kubectl logs}: the pod's log file as text ({@code tailLines}, {@code limitBytes}), and
   * with {@code follow} the lines it gains until its container ends.
   */
  private void servePodLog(
      HttpExchange exchange, String namespace, String pod, Map<String, String> query)
      throws IOException, InterruptedException {
    PodLogs source = logs;
    Optional<Path> file =
        source == null ? Optional.empty() : source.logFile(namespace, pod).filter(Files::exists);
    if (file.isEmpty()) {
      byte[] body =
          JSON.writeValueAsBytes(
              KubectlSupport.status(
                  400,
                  "BadRequest",
                  "container \"trainer\" in pod \"" + pod + "\" has no log (not started)"));
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(400, body.length);
      exchange.getResponseBody().write(body);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    long limit =
        query.containsKey("limitBytes") ? parseLong(query.get("limitBytes")) : Long.MAX_VALUE;
    long start =
        query.containsKey("tailLines")
            ? tailStart(file.get(), (int) parseLong(query.get("tailLines")))
            : 0;
    boolean follow = "true".equals(query.get("follow"));
    long sent = 0;
    try (RandomAccessFile in = new RandomAccessFile(file.get().toFile(), "r")) {
      long position = start;
      byte[] buffer = new byte[8192];
      while (sent < limit) {
        boolean wasRunning = source.running(namespace, pod);
        in.seek(position);
        int n;
        while (sent < limit
            && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent))) > 0) {
          out.write(buffer, 0, n);
          position += n;
          sent += n;
        }
        out.flush();
        if (!follow || !wasRunning || closed) {
          break;
        }
        Thread.sleep(200);
      }
    }
  }

  /** The offset of the last {@code lines} lines of the file. */
  private static long tailStart(Path file, int lines) throws IOException {
    byte[] all;
    try (InputStream in = Files.newInputStream(file)) {
      all = in.readAllBytes();
    }
    int seen = 0;
    for (int i = all.length - 1; i >= 0; i--) {
      if (all[i] == '\n' && i != all.length - 1 && ++seen == lines) {
        return i + 1L;
      }
    }
    return 0;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      query.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder("?");
    query.forEach(
        (k, v) -> {
          if (s.length() > 1) {
            s.append('&');
          }
          s.append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8))
              .append('=')
              .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return s.toString();
  }

  private static long parseLong(String value) {
    try {
      return value == null || value.isBlank() ? 0 : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }
}
