/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OCI registry on loopback for tests: Debian's {@code docker-registry} (distribution 2.8,
 * installed into .tools/bin by .ci/install-registry.sh) on a free 127.0.0.1 port with its own
 * storage folder, optionally with htpasswd (bcrypt) auth for one user with a fresh random password.
 * Without the binary a test is skipped on a developer machine and fails in CI (CI=true), as with
 * the other {@link DeploymentTools}.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension static LoopbackRegistry registry =
 * LoopbackRegistry.anonymous();}) it starts before the class's tests and stops after them; {@link
 * #stop()} and {@link #start()} in a test cut it off and bring it back on the same port and storage
 * (what a push interrupted by a registry restart sees). Its access log is kept, so a test counts
 * the requests that reached it ({@link #count}).
 */
public final class LoopbackRegistry implements BeforeAllCallback, AfterAllCallback {
  /** The user of a registry with auth. */
  public static final String USER = "publisher";

  private final boolean auth;
  private final String password = "pw-" + UUID.randomUUID();
  private Path dir;
  private int port;
  private Process process;
  private int starts;

  private LoopbackRegistry(boolean auth) {
    this.auth = auth;
  }

  /** Anyone may push and pull. */
  public static LoopbackRegistry anonymous() {
    return new LoopbackRegistry(false);
  }

  /** htpasswd auth: only {@link #USER} with {@link #password()}. */
  public static LoopbackRegistry withAuth() {
    return new LoopbackRegistry(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("loopback-registry");
    port = freePort();
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Starts the registry (again: same port, same storage); waits until it answers. */
  public void start() throws IOException {
    Path binary = DeploymentTools.tool("docker-registry");
    if (process != null && process.isAlive()) {
      return;
    }
    StringBuilder config = new StringBuilder();
    config.append("version: 0.1\n");
    config.append("log:\n  level: info\n  accesslog:\n    disabled: false\n");
    config.append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data"));
    config.append("\n  delete:\n    enabled: true\n");
    config.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
    // No http.secret: each start makes a random one, as a registry pod without one does, so an
    // upload in flight when it stopped is unknown to it afterwards.
    if (auth) {
      Path htpasswd = dir.resolve("htpasswd");
      if (!Files.exists(htpasswd)) {
        DeploymentTools.Result made = DeploymentTools.run("htpasswd", null, "-nbB", USER, password);
        if (made.exitCode() != 0) {
          fail("htpasswd failed: " + made.output().replace(password, "<password>"));
        }
        Files.writeString(htpasswd, made.output().strip() + "\n");
      }
      config.append("auth:\n  htpasswd:\n    realm: loopback\n    path: ").append(htpasswd);
      config.append('\n');
    }
    Path file = dir.resolve("config.yml");
    Files.writeString(file, config);
    starts++;
    process =
        new ProcessBuilder(binary.toString(), "serve", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("docker-registry exited at start: " + Files.readString(log()));
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
        c.setConnectTimeout(1000);
        int code = c.getResponseCode();
        c.disconnect();
        if (code == 200 || code == 401) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    stop();
    fail("docker-registry did not answer on " + url() + " within 30 s: " + Files.readString(log()));
  }

  /** Stops it at once (SIGKILL): an upload in flight is cut off. */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public String url() {
    return "http://" + address();
  }

  /** The password of {@link #USER} (only with auth). */
  public String password() {
    return password;
  }

  /** A Docker config file with {@code user:secret} for this registry, as a Secret holds it. */
  public Path credentials(Path folder, String user, String secret) {
    String auth =
        Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    Path file = folder.resolve("config-" + UUID.randomUUID() + ".json");
    try {
      Files.writeString(file, "{\"auths\": {\"" + address() + "\": {\"auth\": \"" + auth + "\"}}}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The registry's output since the first start (access log included). */
  public Path log() {
    return dir.resolve("registry.log");
  }

  /** How many times it was started. */
  public int starts() {
    return starts;
  }

  /**
   * Requests in the access log (since the first start, or since {@code mark} characters of it) with
   * this method, a path containing {@code pathPart} and this status.
   */
  public long count(long mark, String method, String pathPart, int status) {
    Pattern line = Pattern.compile("\"([A-Z]+) ([^ \"]+) HTTP/[0-9.]+\" ([0-9]{3}) ");
    try {
      String text = Files.readString(log());
      Matcher m = line.matcher(text.substring((int) Math.min(mark, text.length())));
      long n = 0;
      while (m.find()) {
        if (m.group(1).equals(method)
            && m.group(2).contains(pathPart)
            && Integer.parseInt(m.group(3)) == status) {
          n++;
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the log ends now, for {@link #count}. */
  public long mark() {
    try {
      return Files.readString(log()).length();
    } catch (IOException e) {
      return 0;
    }
  }

  /** The storage folder (blobs under docker/registry/v2/blobs). */
  public Path storage() {
    return dir.resolve("data");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
