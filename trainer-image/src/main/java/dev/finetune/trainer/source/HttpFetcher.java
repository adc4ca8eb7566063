/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.source;

import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.io.StorageFull;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * HTTP GETs for downloads, written for hostile networks and servers: the token goes only to the
 * host it is meant for (never to a redirect target elsewhere) and never into a message; a dropped
 * connection resumes where it stopped with a {@code Range} request; sizes and SHA-256 are checked
 * before a file gets its final name; small answers are read with a bound.
 */
public final class HttpFetcher {
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_SMALL_BODY = 16 << 20;

  private final HttpClient client;
  private final String tokenHost;
  private final String token;
  private final int attempts;
  private final Duration backoff;
  private final Duration stallTimeout;

  /**
   * @param tokenHost the host that receives {@code Authorization: Bearer token} (null: none)
   * @param token the bearer token, or null
   * @param attempts tries per file before giving up (connection errors and 5xx answers retry)
   * @param backoff the wait before the second try, doubled for each further one
   */
  public HttpFetcher(String tokenHost, String token, int attempts, Duration backoff) {
    this(tokenHost, token, attempts, backoff, Duration.ofSeconds(60));
  }

  /**
   * @param stallTimeout a download that receives nothing for this long is dropped and resumed
   */
  public HttpFetcher(
      String tokenHost, String token, int attempts, Duration backoff, Duration stallTimeout) {
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    this.tokenHost = tokenHost;
    this.token = token;
    this.attempts = Math.max(1, attempts);
    this.backoff = backoff;
    this.stallTimeout = stallTimeout;
  }

  /** An answer other than success, with the server's own short explanation if it gave one. */
  public static final class HttpStatusException extends IOException {
    private final int status;

    HttpStatusException(URI uri, int status, String explanation) {
      super(
          "GET "
              + redacted(uri)
              + " answered HTTP "
              + status
              + (explanation == null ? "" : " (" + explanation + ")"));
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** Reads a small answer (a listing) whole, refusing one over 16 MiB. */
  public byte[] getSmall(URI uri) throws IOException {
    HttpResponse<InputStream> response = send(uri, -1);
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(MAX_SMALL_BODY + 1);
      if (bytes.length > MAX_SMALL_BODY) {
        throw new IOException("GET " + redacted(uri) + ": the answer is larger than 16 MiB");
      }
      return bytes;
    }
  }

  /**
   * Downloads {@code uri} to {@code target}, resuming a partial {@code target.incomplete} left by
   * an earlier try or an earlier process; renames it to {@code target} only when size and hash
   * match.
   */
  public void download(URI uri, Path target, RemoteFile expected) throws IOException {
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".incomplete");
    IOException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        long size = fetchInto(uri, partial, expected.size());
        verify(partial, new RemoteFile(expected.path(), size, expected.sha256()), uri);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        return;
      } catch (HttpStatusException e) {
        if (e.status() < 500 && e.status() != 429) {
          throw e;
        }
        last = e;
      } catch (IOException e) {
        if (StorageFull.isCause(e)) {
          // A full disk stays full: another attempt only fills it again.
          Files.deleteIfExists(partial);
          throw e;
        }
        last = e;
      }
      if (attempt < attempts) {
        System.err.println(
            "download of "
                + redacted(uri)
                + " interrupted ("
                + last.getMessage()
                + "); try "
                + (attempt + 1)
                + " of "
                + attempts
                + " resumes it");
        sleep(backoff.multipliedBy(1L << (attempt - 1)));
      }
    }
    throw last;
  }

  /**
   * Appends the rest of the file to {@code partial}, or rewrites it when the server ignores the
   * range.
   *
   * @return the file's full size as the listing or the server states it, or -1 if neither does
   */
  private long fetchInto(URI uri, Path partial, long expectedSize) throws IOException {
    long have = Files.exists(partial) ? Files.size(partial) : 0;
    if (expectedSize >= 0 && have > expectedSize) {
      Files.delete(partial); // not a prefix of this file
      have = 0;
    }
    if (expectedSize >= 0 && have == expectedSize) {
      return expectedSize;
    }
    HttpResponse<InputStream> response;
    try {
      response = send(uri, have);
    } catch (HttpStatusException e) {
      if (e.status() == 416 && have > 0) {
        Files.delete(partial); // the partial file does not fit this file: start over
        throw new IOException("the partial download did not fit; starting over", e);
      }
      throw e;
    }
    boolean append = have > 0 && response.statusCode() == 206;
    long total = statedTotal(response, append ? have : 0);
    if (expectedSize >= 0 && total >= 0 && total != expectedSize) {
      response.body().close();
      throw TrainerException.config(
          "GET " + redacted(uri) + " serves " + total + " bytes, the listing says " + expectedSize);
    }
    long full = expectedSize >= 0 ? expectedSize : total;
    long limit = full >= 0 ? full - (append ? have : 0) : Long.MAX_VALUE;
    try (InputStream body = response.body();
        OutputStream out =
            Files.newOutputStream(
                partial,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[1 << 16];
      long written = 0;
      int n;
      try (StallWatchdog watchdog = new StallWatchdog(body, stallTimeout)) {
        try {
          while ((n = body.read(buffer)) >= 0) {
            watchdog.progressed();
            written += n;
            if (written > limit) {
              throw new IOException(
                  "GET " + redacted(uri) + " sent more than the expected " + full + " bytes");
            }
            out.write(buffer, 0, n);
          }
        } catch (IOException e) {
          if (watchdog.stalled()) {
            throw new IOException(
                "no data for " + stallTimeout.toSeconds() + " s after " + written + " bytes", e);
          }
          throw e;
        }
      }
    }
    return full;
  }

  /** The full size from Content-Range (206) or Content-Length (200), or -1. */
  private static long statedTotal(HttpResponse<?> response, long offset) {
    if (response.statusCode() == 206) {
      return response
          .headers()
          .firstValue("Content-Range")
          .map(r -> r.substring(r.lastIndexOf('/') + 1))
          .filter(t -> t.matches("\\d{1,18}"))
          .map(Long::parseLong)
          .orElse(-1L);
    }
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    return length < 0 ? -1 : length + offset;
  }

  private static void verify(Path file, RemoteFile expected, URI uri) throws IOException {
    long size = Files.size(file);
    if (expected.size() >= 0 && size != expected.size()) {
      throw new IOException(
          "GET " + redacted(uri) + " ended after " + size + " of " + expected.size() + " bytes");
    }
    if (expected.sha256() != null) {
      String actual = sha256(file);
      if (!actual.equalsIgnoreCase(expected.sha256())) {
        Files.delete(file); // a resume would only append to wrong bytes
        throw TrainerException.config(
            redacted(uri)
                + ": SHA-256 "
                + actual
                + " does not match the expected "
                + expected.sha256()
                + "; the partial file was deleted");
      }
    }
  }

  /** Sends a GET (from byte {@code from} when positive), following up to 5 redirects. */
  private HttpResponse<InputStream> send(URI uri, long from) throws IOException {
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(current).timeout(Duration.ofSeconds(60)).GET();
      if (token != null && current.getHost() != null && current.getHost().equals(tokenHost)) {
        request.header("Authorization", "Bearer " + token);
      }
      if (from > 0) {
        request.header("Range", "bytes=" + from + "-");
      }
      HttpResponse<InputStream> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        Optional<String> location = response.headers().firstValue("Location");
        response.body().close();
        if (location.isEmpty()) {
          throw new HttpStatusException(current, status, "redirect without a Location");
        }
        current = current.resolve(location.get());
        continue;
      }
      if (status == 200 || status == 206) {
        return response;
      }
      response.body().close();
      String explanation =
          response
              .headers()
              .firstValue("X-Error-Message")
              .or(() -> response.headers().firstValue("X-Error-Code"))
              .map(HttpFetcher::bounded)
              .orElse(null);
      throw new HttpStatusException(current, status, explanation);
    }
    throw new IOException("GET " + redacted(uri) + ": more than " + MAX_REDIRECTS + " redirects");
  }

  /** The URI without query and user info: signed URLs carry credentials in the query. */
  static String redacted(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + uri.getRawPath();
  }

  private static String bounded(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() > 200 ? oneLine.substring(0, 197) + "..." : oneLine;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
