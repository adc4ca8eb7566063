/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A loopback stand-in for the Hugging Face Hub, serving folders under the Hub's URL layout: {@code
 * /api/models/<repo>/revision/<rev>} listings (sizes, LFS SHA-256 for .safetensors, a commit id)
 * and {@code /<repo>/resolve/<rev>/<file>} downloads that redirect to a "CDN" path on another host
 * name ({@code localhost} instead of {@code 127.0.0.1}). It can demand a token, drop a connection
 * in the middle of a file, corrupt a file, and it records every request.
 */
public final class FakeHub implements AutoCloseable {
  public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as the server saw it. */
  public record Seen(String host, String path, String range, String authorization) {}

  private final HttpServer server;
  private final Map<String, Path> models = new HashMap<>();
  private final Map<String, Path> datasets = new HashMap<>();
  private final Map<String, String> tokens = new HashMap<>();
  private final Set<String> dropOnce = new HashSet<>();
  private final Set<String> corrupt = new HashSet<>();
  private final Set<String> stallOnce = new HashSet<>();
  private final Map<String, List<String>> extraListing = new HashMap<>();
  public final List<Seen> requests = new CopyOnWriteArrayList<>();

  public FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(0), 0);
    server.createContext("/", this::handle);
    // A stalled answer must not hold up the others.
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public FakeHub model(String repo, Path dir) {
    models.put(repo, dir);
    return this;
  }

  public FakeHub dataset(String repo, Path dir) {
    datasets.put(repo, dir);
    return this;
  }

  /** The repository answers 401 unless the request carries this bearer token. */
  public FakeHub privateRepo(String repo, String token) {
    tokens.put(repo, token);
    return this;
  }

  /** The first download of this file stops halfway and the connection closes. */
  public FakeHub dropOnce(String file) {
    dropOnce.add(file);
    return this;
  }

  /** The first download of this file sends half, then nothing, with the connection kept open. */
  public FakeHub stallOnce(String file) {
    stallOnce.add(file);
    return this;
  }

  /** This file is served with its last byte changed (right size, wrong content). */
  public FakeHub corrupt(String file) {
    corrupt.add(file);
    return this;
  }

  /** Adds a name to a repository's listing that is not a file (a hostile listing). */
  public FakeHub listAlso(String repo, String name) {
    extraListing.computeIfAbsent(repo, r -> new ArrayList<>()).add(name);
    return this;
  }

  public List<Seen> downloadsOf(String file) {
    return requests.stream().filter(r -> r.path().endsWith("/" + file)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String host = exchange.getRequestHeaders().getFirst("Host");
    requests.add(
        new Seen(
            host == null ? "" : host.replaceAll(":\\d+$", ""),
            path,
            exchange.getRequestHeaders().getFirst("Range"),
            exchange.getRequestHeaders().getFirst("Authorization")));
    try (exchange) {
      if (path.startsWith("/cdn/")) {
        serveFile(exchange, path.substring("/cdn/".length()));
        return;
      }
      boolean dataset = path.startsWith("/api/datasets/") || path.startsWith("/datasets/");
      Map<String, Path> repos = dataset ? datasets : models;
      String rest;
      if (path.startsWith("/api/models/")) {
        rest = path.substring("/api/models/".length());
      } else if (path.startsWith("/api/datasets/")) {
        rest = path.substring("/api/datasets/".length());
      } else if (path.startsWith("/datasets/")) {
        rest = path.substring("/datasets/".length());
      } else {
        rest = path.substring(1);
      }
      String repo =
          repos.keySet().stream().filter(r -> rest.startsWith(r + "/")).findFirst().orElse(null);
      if (repo == null) {
        error(exchange, 404, "RepoNotFound", "Repository not found");
        return;
      }
      String expected = tokens.get(repo);
      if (expected != null
          && !("Bearer " + expected)
              .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, "RepoNotFound", "Invalid username or password.");
        return;
      }
      String after = rest.substring(repo.length() + 1);
      if (path.startsWith("/api/") && after.startsWith("revision/")) {
        listing(exchange, repo, repos.get(repo));
      } else if (after.startsWith("resolve/")) {
        String file = after.substring(after.indexOf('/', "resolve/".length()) + 1);
        if (!Files.isRegularFile(repos.get(repo).resolve(file))) {
          error(exchange, 404, "EntryNotFound", "Entry not found");
          return;
        }
        // The Hub redirects LFS files to a CDN on another host.
        exchange
            .getResponseHeaders()
            .add(
                "Location",
                "http://localhost:"
                    + server.getAddress().getPort()
                    + "/cdn/"
                    + (dataset ? "d/" : "m/")
                    + repo
                    + "/"
                    + file);
        exchange.sendResponseHeaders(302, -1);
      } else {
        error(exchange, 404, "EntryNotFound", "Entry not found");
      }
    }
  }

  private void listing(HttpExchange exchange, String repo, Path dir) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", repo);
    root.put("sha", COMMIT);
    ArrayNode siblings = root.putArray("siblings");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        ObjectNode s = siblings.addObject();
        s.put("rfilename", f.getFileName().toString());
        s.put("size", Files.size(f));
        if (f.toString().endsWith(".safetensors")) {
          s.putObject("lfs").put("size", Files.size(f)).put("sha256", sha256(f));
        }
      }
    }
    for (String name : extraListing.getOrDefault(repo, List.of())) {
      siblings.addObject().put("rfilename", name).put("size", 1);
    }
    byte[] body = JSON.writeValueAsBytes(root);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
  }

  private void serveFile(HttpExchange exchange, String cdnPath) throws IOException {
    boolean dataset = cdnPath.startsWith("d/");
    String rest = cdnPath.substring(2);
    Map<String, Path> repos = dataset ? datasets : models;
    String repo =
        repos.keySet().stream().filter(r -> rest.startsWith(r + "/")).findFirst().orElse(null);
    if (repo == null) {
      error(exchange, 404, "RepoNotFound", "Repository not found");
      return;
    }
    String file = rest.substring(repo.length() + 1);
    if (!Files.isRegularFile(repos.get(repo).resolve(file))) {
      error(exchange, 404, "EntryNotFound", "Entry not found");
      return;
    }
    byte[] content = Files.readAllBytes(repos.get(repo).resolve(file));
    if (corrupt.contains(file)) {
      content[content.length - 1] ^= 1;
    }
    String range = exchange.getRequestHeaders().getFirst("Range");
    int from = 0;
    if (range != null && range.matches("bytes=\\d+-")) {
      from = Integer.parseInt(range.substring(6, range.length() - 1));
      exchange
          .getResponseHeaders()
          .add(
              "Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
      exchange.sendResponseHeaders(206, content.length - from);
    } else {
      exchange.sendResponseHeaders(200, content.length);
    }
    OutputStream out = exchange.getResponseBody();
    if (from == 0 && stallOnce.remove(file)) {
      out.write(content, 0, content.length / 2);
      out.flush();
      try {
        Thread.sleep(5000); // silent, connection open
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("giving up on the stalled answer");
    }
    if (from == 0 && dropOnce.remove(file)) {
      out.write(content, 0, content.length / 2);
      out.flush();
      // Kill the connection mid-body: the client sees the stream end early.
      throw new IOException("dropping the connection on purpose");
    }
    out.write(content, from, content.length - from);
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    exchange.getResponseHeaders().add("X-Error-Code", code);
    exchange.getResponseHeaders().add("X-Error-Message", message);
    byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static String sha256(Path file) throws IOException {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
