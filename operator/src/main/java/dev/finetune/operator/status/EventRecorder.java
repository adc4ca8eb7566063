/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of Kubernetes Events. An event's name is derived from (object UID, reason,
 * message), so the same event twice — a retried reconcile, an operator restart — bumps the count of
 * the existing Event instead of adding a copy, the way the kubelet aggregates. A failure to record
 * is logged and never fails a reconcile.
 */
public class EventRecorder {
  public static final String COMPONENT = "finetune-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  /** Normal or Warning, as Kubernetes defines them. */
  public enum Type {
    Normal,
    Warning
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;

  public EventRecorder(KubernetesClient client, Clock clock, String instance) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
  }

  public void record(HasMetadata object, Type type, String reason, String message) {
    String text = message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
    String namespace = object.getMetadata().getNamespace();
    String name = eventName(object, reason, text);
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      var events = client.v1().events().inNamespace(namespace);
      // Create first: most events are new, and a repeat costs one failed create (409) instead of
      // every event costing a read before it is written.
      try {
        events.resource(newEvent(object, type, reason, text, name, now)).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      events
          .withName(name)
          .edit(
              e ->
                  new EventBuilder(e)
                      .withCount(e.getCount() == null ? 2 : e.getCount() + 1)
                      .withLastTimestamp(now)
                      .build());
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not record event {} for {}/{}: {}",
          reason,
          namespace,
          object.getMetadata().getName(),
          e.getMessage());
    }
  }

  private Event newEvent(
      HasMetadata object, Type type, String reason, String message, String name, String now) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(object.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(object.getApiVersion())
                .withKind(object.getKind())
                .withName(object.getMetadata().getName())
                .withNamespace(object.getMetadata().getNamespace())
                .withUid(object.getMetadata().getUid())
                .build())
        .withType(type.name())
        .withReason(reason)
        .withMessage(message)
        .withCount(1)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent("finetune.dev/operator")
        .withReportingInstance(instance)
        .build();
  }

  static String eventName(HasMetadata object, String reason, String message) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(String.valueOf(object.getMetadata().getUid()).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(reason.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(message.getBytes(StandardCharsets.UTF_8));
      String hash = HexFormat.of().formatHex(sha.digest(), 0, 8);
      String base = object.getMetadata().getName();
      // Event names are DNS subdomains (253 characters).
      return (base.length() > 200 ? base.substring(0, 200) : base) + "." + hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
