/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.bench;

import dev.finetune.local.LocalCluster;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the embedded API's requests by verb and resource ("PATCH finetunejobs/status", "GET
 * jobs?watch"), taking them off the server as they come: the server keeps every request until it is
 * taken, which at 10,000 jobs would fill the heap the benchmark measures.
 */
final class RequestTally implements AutoCloseable {
  private final LocalCluster cluster;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Thread drain;
  private volatile boolean running = true;

  RequestTally(LocalCluster cluster) {
    this.cluster = cluster;
    this.drain = new Thread(this::drain, "request-tally");
    drain.setDaemon(true);
    drain.start();
  }

  private void drain() {
    try {
      while (running) {
        RecordedRequest request = cluster.takeRequest(100);
        if (request != null) {
          counts.computeIfAbsent(key(request), k -> new LongAdder()).increment();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Takes what is still queued and returns the counts so far, then starts counting afresh. */
  Map<String, Long> snapshotAndReset() throws InterruptedException {
    RecordedRequest request;
    while ((request = cluster.takeRequest(0)) != null) {
      counts.computeIfAbsent(key(request), k -> new LongAdder()).increment();
    }
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((k, v) -> snapshot.put(k, v.sumThenReset()));
    snapshot.values().removeIf(v -> v == 0);
    return snapshot;
  }

  /** "VERB resource[/subresource][?watch]", names and namespaces left out. */
  static String key(RecordedRequest request) {
    String path = request.getPath();
    int query = path.indexOf('?');
    String q = query < 0 ? "" : path.substring(query + 1);
    String[] parts = (query < 0 ? path : path.substring(0, query)).split("/");
    // /api/v1/namespaces/NS/RESOURCE[/NAME[/SUB]] or /apis/GROUP/VERSION/namespaces/NS/...
    int i = 0;
    while (i < parts.length && !parts[i].equals("namespaces")) {
      i++;
    }
    String resource;
    if (i + 2 < parts.length) {
      resource = parts[i + 2] + (i + 4 < parts.length ? "/" + parts[i + 4] : "");
    } else {
      resource = parts[parts.length - 1];
    }
    return request.getMethod() + " " + resource + (q.contains("watch=true") ? "?watch" : "");
  }

  @Override
  public void close() {
    running = false;
    drain.interrupt();
  }
}
