/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finetune.trainer.TrainerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user name and secret for one registry, read from a Docker config file (the {@code
 * .dockerconfigjson} key of a {@code kubernetes.io/dockerconfigjson} Secret): {@code {"auths":
 * {"host:port": {"auth": base64(user:password)}}}}, or {@code "username"} and {@code "password"},
 * or an {@code "identitytoken"}. The secret never leaves this object except to the registry client:
 * {@link #toString()} names the user and the file only, and no error message quotes the file.
 */
public final class RegistryLogin {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String username;
  private final String secret;
  private final String registry;

  private RegistryLogin(String username, String secret, String registry) {
    this.username = username;
    this.secret = secret;
    this.registry = registry;
  }

  /**
   * The login for {@code registry} (host or host:port) in {@code file}; empty when the file has no
   * entry for it. An unreadable or malformed file is a configuration error that never quotes its
   * content.
   */
  public static Optional<RegistryLogin> read(Path file, String registry) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      // Jackson's message may quote the file's bytes: say only where it went wrong.
      throw TrainerException.config(
          "cannot read the registry credentials "
              + file
              + ": "
              + (e instanceof com.fasterxml.jackson.core.JsonProcessingException
                  ? "not valid JSON"
                  : e.getClass().getSimpleName()));
    }
    JsonNode auths = root == null ? null : root.get("auths");
    if (auths == null || !auths.isObject()) {
      throw TrainerException.config(
          "the registry credentials "
              + file
              + " have no \"auths\" object (a kubernetes.io/dockerconfigjson Secret's"
              + " .dockerconfigjson)");
    }
    JsonNode entry = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (hostOf(e.getKey()).equalsIgnoreCase(registry)) {
        entry = e.getValue();
        break;
      }
    }
    if (entry == null) {
      return Optional.empty();
    }
    String where = file + " (auths." + registry + ")";
    String user = text(entry, "username");
    String password = text(entry, "password");
    String auth = text(entry, "auth");
    String token = text(entry, "identitytoken");
    if (auth != null && (user == null || password == null)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw TrainerException.config("the \"auth\" of " + where + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw TrainerException.config(
            "the \"auth\" of " + where + " is not base64 of user:password");
      }
      user = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    if (token != null && !token.isEmpty()) {
      // Docker's convention for an OAuth2 refresh token (what jib sends as well).
      return Optional.of(new RegistryLogin("<token>", token, registry));
    }
    if (user == null || password == null) {
      throw TrainerException.config(
          where + " has neither \"auth\" nor \"username\" and \"password\"");
    }
    return Optional.of(new RegistryLogin(user, password, registry));
  }

  /** The registries a file has entries for (host[:port]); for messages, never a secret. */
  public static List<String> registries(Path file) {
    List<String> hosts = new ArrayList<>();
    try {
      JsonNode auths = JSON.readTree(Files.readAllBytes(file)).path("auths");
      auths.fieldNames().forEachRemaining(k -> hosts.add(hostOf(k)));
    } catch (IOException | RuntimeException e) {
      // read() reports what is wrong with the file.
    }
    return hosts;
  }

  /** {@code https://host:port/v1/} and {@code host:port} both name {@code host:port}. */
  static String hostOf(String key) {
    String host = key.trim();
    int scheme = host.indexOf("://");
    if (scheme >= 0) {
      host = host.substring(scheme + 3);
    }
    int slash = host.indexOf('/');
    return slash >= 0 ? host.substring(0, slash) : host;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
  }

  public String username() {
    return username;
  }

  /** For the registry client only. */
  String secret() {
    return secret;
  }

  @Override
  public String toString() {
    return "RegistryLogin[" + username + " for " + registry + ", secret redacted]";
  }
}
