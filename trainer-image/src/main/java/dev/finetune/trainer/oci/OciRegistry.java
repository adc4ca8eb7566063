/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.blob.BlobDescriptor;
import com.google.cloud.tools.jib.blob.Blobs;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One repository of one registry, through jib-core's {@link RegistryClient}: the only class that
 * touches jib's registry API (which jib does not promise to keep), so a change of library is one
 * file. Plain HTTP only when {@code insecure} (jib then tries HTTPS, HTTPS without verification,
 * then HTTP, and sends credentials over HTTP); Basic or Bearer auth as the registry asks. Every
 * failure becomes an {@link OciFailure} whose message has the registry's reason and no secret.
 */
public final class OciRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OciReference reference;
  private final FailoverHttpClient http;
  private final RegistryClient client;
  private final boolean hasLogin;

  /** How a pulled manifest describes the image. */
  public record PulledManifest(String digest, Descriptor config, List<Descriptor> layers) {}

  /** A descriptor from a pulled manifest. */
  public record Descriptor(String digest, long size) {}

  private OciRegistry(
      OciReference reference, RegistryLogin login, boolean insecure, Consumer<String> log) {
    this.reference = reference;
    this.hasLogin = login != null;
    Consumer<LogEvent> events =
        e -> {
          // Warnings only (fail-over, retries): errors come back as the OciFailure's message.
          if (e.getLevel() == LogEvent.Level.WARN) {
            log.accept(clean(e.getMessage()));
          }
        };
    this.http = new FailoverHttpClient(insecure, insecure, events);
    RegistryClient.Factory factory =
        RegistryClient.factory(
                EventHandlers.builder().add(LogEvent.class, events).build(),
                reference.registry(),
                reference.repository(),
                http)
            .setUserAgent("finetune-trainer");
    if (login != null) {
      factory.setCredential(Credential.from(login.username(), login.secret()));
    }
    this.client = factory.newRegistryClient();
  }

  /**
   * Connects for pushing (or pulling only) and authenticates as the registry asks: a Bearer token
   * from its token service, or Basic with the login.
   *
   * @param login null for anonymous access
   * @param log where the client's warnings go (no secret is in them)
   */
  public static OciRegistry connect(
      OciReference reference,
      RegistryLogin login,
      boolean insecure,
      boolean push,
      Consumer<String> log) {
    OciRegistry registry = new OciRegistry(reference, login, insecure, log);
    registry.call(
        "authenticate with",
        () -> {
          boolean bearer =
              push ? registry.client.doPushBearerAuth() : registry.client.doPullBearerAuth();
          if (!bearer && login != null && !"<token>".equals(login.username())) {
            registry.client.configureBasicAuth();
          }
          return null;
        });
    return registry;
  }

  /** The blob's size when the repository has it (a HEAD request). */
  public Optional<Long> blobSize(String digest) {
    return call(
        "check blob " + digest + " in",
        () -> client.checkBlob(digest(digest)).map(BlobDescriptor::getSize));
  }

  /**
   * Uploads a blob whose bytes {@code contents} writes (it may be called again on a retry).
   *
   * @param sent bytes written to the registry so far
   */
  public void pushBlob(String digest, BlobContents contents, LongConsumer sent) {
    call(
        "push blob " + digest + " to",
        () ->
            client.pushBlob(
                digest(digest), Blobs.from(contents::writeTo, true), null, sent::accept));
  }

  /** Pushes the manifest under {@code tag}; returns its digest as the registry computed it. */
  public String pushManifest(ImageManifest manifest, String tag) {
    return call("push the manifest " + tag + " to", () -> client.pushManifest(manifest, tag))
        .toString();
  }

  /** The manifest {@code qualifier} (a tag or a digest) names, with its digest. */
  public PulledManifest pullManifest(String qualifier) {
    ManifestAndDigest<ManifestTemplate> pulled =
        call("pull the manifest " + qualifier + " from", () -> client.pullManifest(qualifier));
    if (!(pulled.getManifest() instanceof BuildableManifestTemplate image)) {
      throw new OciFailure(
          OciFailure.Kind.REFUSED,
          reference.registry()
              + "/"
              + reference.repository()
              + (qualifier.startsWith("sha256:") ? "@" : ":")
              + qualifier
              + " is not a single image manifest (an image index or an old schema 1 manifest);"
              + " give the digest of one image");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (BuildableManifestTemplate.ContentDescriptorTemplate layer : image.getLayers()) {
      layers.add(new Descriptor(layer.getDigest().toString(), layer.getSize()));
    }
    BuildableManifestTemplate.ContentDescriptorTemplate config = image.getContainerConfiguration();
    return new PulledManifest(
        pulled.getDigest().toString(),
        config == null ? null : new Descriptor(config.getDigest().toString(), config.getSize()),
        layers);
  }

  /**
   * Writes blob {@code digest} to {@code out}; fails when the bytes do not have that digest.
   *
   * @param received bytes received so far
   */
  public void pullBlob(String digest, OutputStream out, LongConsumer received) {
    BlobDescriptor got =
        call(
            "pull blob " + digest + " from",
            () -> {
              try {
                return client.pullBlob(digest(digest), size -> {}, received::accept).writeTo(out);
              } catch (IOException e) {
                // pullBlob wraps the registry's refusal in an IOException.
                if (e.getCause() instanceof RegistryException re) {
                  throw re;
                }
                throw e;
              }
            });
    if (!got.getDigest().toString().equals(digest)) {
      throw new OciFailure(
          OciFailure.Kind.REFUSED,
          "blob " + digest + " of " + reference + " arrived with digest " + got.getDigest());
    }
  }

  /** Pulls a small blob (a config) into memory. */
  public byte[] pullSmallBlob(String digest) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    pullBlob(digest, out, n -> {});
    return out.toByteArray();
  }

  @Override
  public void close() {
    try {
      http.shutDown();
    } catch (IOException e) {
      // Closing idle connections: nothing to report.
    }
  }

  /** A blob's bytes, written on demand (again on a retry). */
  @FunctionalInterface
  public interface BlobContents {
    void writeTo(OutputStream out) throws IOException;
  }

  @FunctionalInterface
  private interface RegistryCall<T> {
    T run() throws IOException, RegistryException;
  }

  private String where() {
    return reference.registry() + "/" + reference.repository();
  }

  private <T> T call(String what, RegistryCall<T> call) {
    try {
      return call.run();
    } catch (RegistryUnauthorizedException e) {
      com.google.api.client.http.HttpResponseException response = e.getHttpResponseException();
      String reason =
          reason(
              response.getStatusCode(),
              response.getContent(),
              response.getHeaders() == null ? null : response.getHeaders().getAuthenticate());
      throw new OciFailure(
          OciFailure.Kind.UNAUTHORIZED,
          "cannot "
              + what
              + " "
              + where()
              + ": the registry refused "
              + (hasLogin ? "the credentials" : "anonymous access (no credentials given)")
              + " ("
              + reason
              + ")");
    } catch (RegistryCredentialsNotSentException e) {
      throw new OciFailure(
          OciFailure.Kind.UNAUTHORIZED,
          "cannot "
              + what
              + " "
              + where()
              + ": the registry asked for credentials over plain HTTP, which are only sent when"
              + " insecure is set");
    } catch (RegistryAuthenticationFailedException e) {
      throw new OciFailure(
          OciFailure.Kind.UNAUTHORIZED,
          "cannot "
              + what
              + " "
              + where()
              + ": the registry's token service refused: "
              + oneLine(e.getMessage()));
    } catch (InsecureRegistryException e) {
      throw new OciFailure(
          OciFailure.Kind.UNREACHABLE,
          "cannot "
              + what
              + " "
              + where()
              + ": no verified HTTPS connection ("
              + oneLine(String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause()))
              + "); a plain-HTTP or self-signed registry needs insecure");
    } catch (RegistryException e) {
      ResponseException response = responseOf(e);
      OciFailure.Kind kind =
          response != null && response.getStatusCode() == 404
              ? OciFailure.Kind.NOT_FOUND
              : OciFailure.Kind.REFUSED;
      // The registry's own codes and messages when it sent them, else jib's summary.
      String reason =
          response != null && response.getContent() != null && !response.getContent().isBlank()
              ? reason(response.getStatusCode(), response.getContent(), null)
              : oneLine(e.getMessage());
      throw new OciFailure(kind, "cannot " + what + " " + where() + ": " + reason);
    } catch (ResponseException e) {
      int status = e.getStatusCode();
      OciFailure.Kind kind =
          status >= 500 || status == 429
              ? OciFailure.Kind.UNREACHABLE
              : status == 404 ? OciFailure.Kind.NOT_FOUND : OciFailure.Kind.REFUSED;
      throw new OciFailure(
          kind,
          "cannot "
              + what
              + " "
              + where()
              + ": "
              + reason(
                  status,
                  e.getContent(),
                  e.getHeaders() == null ? null : e.getHeaders().getAuthenticate()));
    } catch (IOException e) {
      throw new OciFailure(
          OciFailure.Kind.UNREACHABLE,
          "cannot "
              + what
              + " "
              + where()
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new OciFailure(
          OciFailure.Kind.REFUSED, "cannot " + what + " " + where() + ": " + e.getMessage());
    }
  }

  private static ResponseException responseOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ResponseException r) {
        return r;
      }
    }
    return null;
  }

  /**
   * The registry's reason: the codes and messages of its JSON error body, else the HTTP status and,
   * for a 401, its challenge (a HEAD answer has no body).
   */
  static String reason(int statusCode, String content, String challenge) {
    String status = (statusCode + " " + statusText(statusCode)).trim();
    if (content != null && !content.isBlank()) {
      try {
        JsonNode errors = JSON.readTree(content).path("errors");
        List<String> reasons = new ArrayList<>();
        for (JsonNode error : errors) {
          reasons.add(error.path("code").asText("") + ": " + error.path("message").asText(""));
        }
        if (!reasons.isEmpty()) {
          return status + ", " + String.join("; ", reasons);
        }
      } catch (IOException | RuntimeException notJson) {
        // Fall through to the raw text, cut short.
      }
      String text = oneLine(content);
      return status + ", " + (text.length() > 300 ? text.substring(0, 297) + "..." : text);
    }
    return status + (challenge == null ? "" : ", challenge: " + oneLine(challenge));
  }

  private static String statusText(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Payload Too Large";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "";
    };
  }

  /** Without colour codes and without an upload URL's query (its long state token). */
  static String clean(String message) {
    return oneLine(message).replaceAll("\u001B\\[[0-9;]*m", "").replaceAll("\\?[^\\s]*", "");
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").trim();
  }

  private static DescriptorDigest digest(String digest) {
    try {
      return DescriptorDigest.fromDigest(digest);
    } catch (DigestException e) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
  }
}
