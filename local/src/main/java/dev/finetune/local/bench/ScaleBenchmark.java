/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.bench;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.local.LocalCluster;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import dev.finetune.operator.desired.ChildLabels;
import dev.finetune.operator.desired.PrepareJobDependentResource;
import dev.finetune.operator.desired.TrainerConfigMapDependentResource;
import dev.finetune.operator.desired.WorkspaceClaimDependentResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark (not a test): N FineTuneJobs created against the embedded API with the
 * operator running (no pod runs), until every job's first Job — its prepare Job — exists; then, on
 * a fresh API, the floor: the same client creating the same FineTuneJobs and their ConfigMap, claim
 * and prepare Job itself, no operator. Both in one process: a small warm-up of each, then rounds
 * that alternate the two; the numbers are compared as ratios.
 *
 * <p>{@code java -cp local/target/finetune-local.jar dev.finetune.local.bench.ScaleBenchmark [N
 * [ROUNDS]]} (or local/bench/run.sh).
 */
public final class ScaleBenchmark {
  private static final String NS = "bench";

  /** One for the whole run: a new one builds its Jackson mappers again, costing ms per job. */
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    // Both runs once, small and discarded, first: the JIT compiles the API's, the client's and the
    // operator's code before anything is timed (else the first run measured pays for all of it).
    int warmUp = Math.min(n, 300);
    withOperator(warmUp);
    floor(warmUp);
    // Then operator and floor alternate, and each row is the median over the rounds: the machine
    // is shared and noisy, and one round's ratio can be off by a third.
    List<Result> operatorRuns = new ArrayList<>();
    List<Result> floorRuns = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Result op = withOperator(n);
      Result fl = floor(n);
      operatorRuns.add(op);
      floorRuns.add(fl);
      ratios.add(op.seconds() / fl.seconds());
      System.out.printf(
          Locale.ROOT,
          "round %d: operator %.2f s (p99 %.0f ms), floor %.2f s, ratio %.2f%n",
          round,
          op.seconds(),
          op.p99(),
          fl.seconds(),
          op.seconds() / fl.seconds());
    }
    Result withOperator = median(operatorRuns);
    Result floor = median(floorRuns);
    System.out.printf(
        Locale.ROOT,
        "%-34s %14s %14s%n%-34s %14.2f %14.2f%n%-34s %14.1f %14.1f%n%-34s %14.1f %14.1f%n"
            + "%-34s %14d %14d%n%-34s %14.1f %14.1f%n%-34s %14.1f %14s%n%-34s %14.1f %14.1f%n",
        "N = " + n + ", median of " + rounds,
        "operator",
        "floor",
        "seconds until every Job exists",
        withOperator.seconds(),
        floor.seconds(),
        "create-to-Job p50 (ms)",
        withOperator.p50(),
        floor.p50(),
        "create-to-Job p99 (ms)",
        withOperator.p99(),
        floor.p99(),
        "API requests",
        withOperator.requests(),
        floor.requests(),
        "heap after settling (MiB)",
        withOperator.heapMiB(),
        floor.heapMiB(),
        "operator's own heap (MiB)",
        withOperator.operatorHeapMiB(),
        "-",
        "CPU seconds until every Job exists",
        withOperator.cpuSeconds(),
        floor.cpuSeconds());
    printRequests("operator", n, withOperator);
    printRequests("floor", n, floor);
    System.out.printf(
        Locale.ROOT,
        "time ratio operator/floor (median of the rounds' ratios): %.2f; requests per FineTuneJob:"
            + " operator %.1f, floor %.1f%n",
        median(ratios, r -> r),
        (double) withOperator.requests() / n,
        (double) floor.requests() / n);
  }

  /** Each field's median over the runs (requests: the last run's tally; they do not vary). */
  private static Result median(List<Result> runs) {
    Result last = runs.get(runs.size() - 1);
    return new Result(
        median(runs, Result::seconds),
        median(runs, Result::p50),
        median(runs, Result::p99),
        last.requests(),
        median(runs, Result::heapMiB),
        median(runs, Result::operatorHeapMiB),
        median(runs, Result::cpuSeconds),
        last.requestsByKind());
  }

  private static <T> double median(List<T> runs, java.util.function.ToDoubleFunction<T> field) {
    double[] values = runs.stream().mapToDouble(field).sorted().toArray();
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  record Result(
      double seconds,
      double p50,
      double p99,
      int requests,
      double heapMiB,
      double operatorHeapMiB,
      double cpuSeconds,
      Map<String, Long> requestsByKind) {}

  /** CPU time this process has used, all threads (the API's, the operator's, the benchmark's). */
  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private static void printRequests(String run, int n, Result result) {
    System.out.printf(Locale.ROOT, "%s requests per FineTuneJob by kind:%n", run);
    result
        .requestsByKind()
        .forEach(
            (kind, count) ->
                System.out.printf(
                    Locale.ROOT, "  %-40s %8d  %6.2f%n", kind, count, (double) count / n));
  }

  private static Result withOperator(int n) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(0);
        RequestTally tally = new RequestTally(cluster)) {
      KubernetesClient client = cluster.client();
      client.namespaces().resource(namespace()).create();
      FineTuneOperator operator =
          new FineTuneOperator(client, config(), Clock.systemUTC(), false).start();
      try (JobWatch jobs = new JobWatch(client, n)) {
        Timing timing =
            timed(
                cluster,
                tally,
                jobs,
                n,
                job -> client.resources(FineTuneJob.class).inNamespace(NS).resource(job).create());
        double heap = heapMiB();
        // What the operator holds (informer caches, metrics): the heap with it, less the heap
        // without it (closed and unreachable) over the same stored objects.
        operator.close();
        operator = null;
        double operatorHeap = heap - heapMiB();
        return new Result(
            timing.seconds(),
            jobs.latencyMillis(0.50),
            jobs.latencyMillis(0.99),
            timing.requests(),
            heap,
            operatorHeap,
            timing.cpuSeconds(),
            tally.snapshotAndReset());
      } finally {
        if (operator != null) {
          operator.close();
        }
      }
    }
  }

  private static Result floor(int n) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(0);
        RequestTally tally = new RequestTally(cluster)) {
      KubernetesClient client = cluster.client();
      client.namespaces().resource(namespace()).create();
      OperatorConfig config = config();
      try (JobWatch jobs = new JobWatch(client, n)) {
        Timing timing =
            timed(
                cluster,
                tally,
                jobs,
                n,
                job -> {
                  FineTuneJob created =
                      client.resources(FineTuneJob.class).inNamespace(NS).resource(job).create();
                  client
                      .resource(TrainerConfigMapDependentResource.desired(created, config))
                      .create();
                  client.resource(WorkspaceClaimDependentResource.desired(created)).create();
                  client.resource(PrepareJobDependentResource.desired(created, config)).create();
                });
        return new Result(
            timing.seconds(),
            jobs.latencyMillis(0.50),
            jobs.latencyMillis(0.99),
            timing.requests(),
            heapMiB(),
            Double.NaN,
            timing.cpuSeconds(),
            tally.snapshotAndReset());
      }
    }
  }

  record Timing(double seconds, double cpuSeconds, int requests) {}

  /**
   * Creates N FineTuneJobs with {@code create} and waits until the watch has seen every Job, then
   * lets status writes and Events settle: seconds and CPU until the last Job, and the API requests
   * besides the N FineTuneJob creates.
   */
  private static Timing timed(
      LocalCluster cluster,
      RequestTally tally,
      JobWatch jobs,
      int n,
      java.util.function.Consumer<FineTuneJob> create)
      throws InterruptedException {
    int before = cluster.requestCount();
    tally.snapshotAndReset();
    double cpuBefore = cpuSeconds();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      FineTuneJob job = job(i);
      jobs.creating(job);
      create.accept(job);
    }
    jobs.awaitAll();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = cpuSeconds() - cpuBefore;
    Thread.sleep(5000); // settle: status writes, events
    return new Timing(seconds, cpu, cluster.requestCount() - before - n);
  }

  /**
   * Watches Jobs as a user's {@code kubectl get jobs -w} would, in both runs alike (its cost is the
   * observer's, not the operator's), and times each FineTuneJob's creation to its first Job.
   */
  private static final class JobWatch implements AutoCloseable {
    private final Map<String, Long> created = new ConcurrentHashMap<>();
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch all;
    private final SharedIndexInformer<Job> informer;

    JobWatch(KubernetesClient client, int n) {
      this.all = new CountDownLatch(n);
      this.informer =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(NS)
              .inform(
                  new ResourceEventHandler<Job>() {
                    @Override
                    public void onAdd(Job job) {
                      Long at =
                          created.get(job.getMetadata().getLabels().get(ChildLabels.JOB_NAME));
                      if (at != null) {
                        latencies.add(System.nanoTime() - at);
                      }
                      all.countDown();
                    }

                    @Override
                    public void onUpdate(Job a, Job b) {}

                    @Override
                    public void onDelete(Job job, boolean unknown) {}
                  });
    }

    void creating(FineTuneJob job) {
      created.put(job.getMetadata().getName(), System.nanoTime());
    }

    void awaitAll() throws InterruptedException {
      if (!all.await(60, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not every Job appeared within 60 minutes");
      }
    }

    double latencyMillis(double p) {
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      return percentile(sorted, p);
    }

    @Override
    public void close() {
      informer.close();
    }
  }

  private static OperatorConfig config() {
    OperatorConfig d = OperatorConfig.defaults();
    return OperatorConfig.embedded(
        java.util.Set.of(NS), d.progressPollInterval(), d.minStatusInterval(), "bench");
  }

  private static FineTuneJob job(int i) {
    FineTuneJob job =
        SERIALIZATION.unmarshal(
            """
                apiVersion: finetune.dev/v1alpha1
                kind: FineTuneJob
                metadata: {name: job-%05d, namespace: %s}
                spec:
                  model: {source: hf://Qwen/Qwen2.5-0.5B-Instruct}
                  dataset: {train: {source: pvc://datasets/train.jsonl}, format: chat}
                  method: {type: lora}
                """
                .formatted(i, NS),
            FineTuneJob.class);
    return job;
  }

  private static io.fabric8.kubernetes.api.model.Namespace namespace() {
    return new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata()
        .withName(NS)
        .endMetadata()
        .build();
  }

  private static double percentile(List<Long> sortedNanos, double p) {
    if (sortedNanos.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.min(sortedNanos.size() - 1, Math.ceil(p * sortedNanos.size()) - 1);
    return sortedNanos.get(Math.max(0, index)) / 1e6;
  }

  private static double heapMiB() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    Runtime r = Runtime.getRuntime();
    return (r.totalMemory() - r.freeMemory()) / 1048576.0;
  }
}
