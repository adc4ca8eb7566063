/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import dev.finetune.local.kubectl.KubectlFront;
import dev.finetune.local.kubectl.KubectlSupport;
import dev.finetune.local.kubelet.PodLogs;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes API on loopback for local mode: fabric8's mock server in CRUD mode (objects are
 * stored and watched, nothing runs them) with the FineTuneJob CRD installed. Nothing leaves the
 * machine and nothing persists after {@link #close()}.
 */
public final class LocalCluster implements AutoCloseable {
  /**
   * The mock server logs every request at INFO through java.util.logging; held here because JUL
   * forgets the level of a logger nobody references.
   */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static final String CRD_RESOURCE = "/META-INF/fabric8/finetunejobs.finetune.dev-v1.yml";

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final KubectlFront front;

  private LocalCluster(KubernetesMockServer server, KubectlFront front) {
    this.server = server;
    this.client = server.createClient();
    this.front = front;
  }

  /**
   * Starts the API on 127.0.0.1 and installs the CRD. Clients of this process ({@link #client()})
   * talk to the mock API directly; kubectl talks to {@link #url()} ({@code port}, 0 picks a free
   * one), the front that adds HTTP watches and pod logs.
   */
  public static LocalCluster start(int port) {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubectlSupport(responses, crdJson()),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubectlFront front;
    try {
      front = KubectlFront.start(port, URI.create(server.url("/")), crdJson());
    } catch (IOException e) {
      server.destroy();
      throw new UncheckedIOException("cannot listen on port " + port, e);
    }
    LocalCluster cluster = new LocalCluster(server, front);
    cluster.installCrd();
    return cluster;
  }

  /** Requests the API has answered so far. */
  public int requestCount() {
    return server.getRequestCount();
  }

  /**
   * The oldest request the API answered and nobody has taken yet, waiting up to {@code millis};
   * null if none came. The server keeps every request until it is taken.
   */
  public RecordedRequest takeRequest(long millis) throws InterruptedException {
    return server.takeRequest(millis, TimeUnit.MILLISECONDS);
  }

  public KubernetesClient client() {
    return client;
  }

  /** The URL kubectl uses (the front), e.g. {@code http://127.0.0.1:41235/}. */
  public String url() {
    return front.url().toString();
  }

  /** Serves {@code kubectl logs} from the local kubelet's pod logs. */
  public void servePodLogs(PodLogs logs) {
    front.servePodLogs(logs);
  }

  /** Writes a kubeconfig other clients (kubectl, k9s) can use while the cluster runs. */
  public void writeKubeconfig(Path file) {
    String config =
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: finetune-local
            cluster: {server: %s}
        users:
          - name: finetune-local
            user: {}
        contexts:
          - name: finetune-local
            context: {cluster: finetune-local, user: finetune-local, namespace: default}
        current-context: finetune-local
        """
            .formatted(url().replaceAll("/$", ""));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode crdJson() {
    try (InputStream in = LocalCluster.class.getResourceAsStream(CRD_RESOURCE)) {
      return (com.fasterxml.jackson.databind.node.ObjectNode)
          new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void installCrd() {
    try (InputStream in = LocalCluster.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the class path");
      }
      CustomResourceDefinition crd =
          new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    front.close();
    client.close();
    server.destroy();
  }
}
