/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local;

import dev.finetune.api.protocol.MetricNames;
import dev.finetune.api.protocol.PromotionGate;
import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.api.v1alpha1.FineTuneJobStatus;
import dev.finetune.api.v1alpha1.Phase;
import dev.finetune.local.kubelet.LocalKubelet;
import dev.finetune.operator.FineTuneOperator;
import dev.finetune.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar local/target/finetune-local.jar FILE…}: the whole system on this machine — an
 * embedded Kubernetes API, the operator, and a local kubelet that runs trainer pods as processes —
 * applies the manifests, shows each FineTuneJob's progress until all of them end, and prints where
 * the results are.
 */
@Command(
    name = "finetune-local",
    mixinStandardHelpOptions = true,
    version = "finetune-local 0.1.0",
    description = {
      "Runs FineTuneJobs on this machine without a cluster: an embedded Kubernetes API on",
      "127.0.0.1, the operator, and trainer pods as local processes (volumes are folders under",
      "--work-dir, or the folders given with --volume). Exits 0 when every job succeeded."
    })
public final class LocalCommand implements Callable<Integer> {
  private static final List<String> PREFERENCE_METRICS =
      List.of(MetricNames.REWARDS_ACCURACIES, MetricNames.REWARDS_MARGINS);

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Manifests to apply (YAML).")
  List<Path> manifests;

  @Option(
      names = "--work-dir",
      defaultValue = "finetune-local",
      description =
          "Where claims, pod folders, logs and the kubeconfig go (default ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(
      names = "--volume",
      description = "Binds a PersistentVolumeClaim to a folder: NAME=DIR (repeatable).")
  Map<String, Path> volumes = new HashMap<>();

  @Option(
      names = "--trainer-jar",
      defaultValue = "trainer-image/target/finetune-trainer.jar",
      description = "The trainer to run for each pod (default ${DEFAULT-VALUE}).")
  Path trainerJar;

  @Option(
      names = "--api-port",
      defaultValue = "0",
      description = "Port of the embedded API on 127.0.0.1; 0 picks a free one.")
  int apiPort;

  @Option(
      names = "--keep-running",
      description = "Keep the API up after the jobs end (for kubectl), until Ctrl-C.")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    // Progress lines are the output here; the operator's own log only for problems.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // Every manifest is read before anything starts: a misspelt field costs no startup.
    List<Manifests.Manifest> objects;
    try {
      objects = Manifests.read(manifests);
    } catch (Manifests.InvalidManifest e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    if (!Files.isRegularFile(trainerJar)) {
      System.err.println(
          "error: trainer jar "
              + trainerJar
              + " not found; build it with ./mvnw -q install -DskipTests");
      return 2;
    }
    Files.createDirectories(workDir);
    Path kubeconfig = workDir.resolve("kubeconfig");
    try (LocalCluster cluster = LocalCluster.start(apiPort)) {
      cluster.writeKubeconfig(kubeconfig);
      System.out.println("embedded Kubernetes API at " + cluster.url());
      System.out.println("  export KUBECONFIG=" + kubeconfig.toAbsolutePath());
      KubernetesClient client = cluster.client();
      OperatorConfig config =
          OperatorConfig.embedded(Set.of(), Duration.ofSeconds(2), Duration.ofSeconds(1), "local");
      try (FineTuneOperator operator =
              new FineTuneOperator(client, config, Clock.systemUTC(), false).start();
          LocalKubelet kubelet =
              new LocalKubelet(
                      client,
                      workDir.toAbsolutePath(),
                      absolute(volumes),
                      List.of(
                          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                          "-Dai.djl.offline=true",
                          "-jar",
                          trainerJar.toAbsolutePath().toString()))
                  .start();
          LocalGarbageCollector collector = new LocalGarbageCollector(client).start()) {
        cluster.servePodLogs(kubelet);
        List<String> jobs = apply(client, objects);
        boolean ok = follow(client, jobs);
        if (keepRunning) {
          System.out.println("jobs ended; the API stays up for kubectl until Ctrl-C");
          Thread.currentThread().join();
        }
        return ok ? 0 : 1;
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalCommand()).execute(args));
  }

  private static Map<String, Path> absolute(Map<String, Path> volumes) {
    Map<String, Path> out = new LinkedHashMap<>();
    volumes.forEach((k, v) -> out.put(k, v.toAbsolutePath().normalize()));
    return out;
  }

  /** Creates every object of the manifests; returns "namespace/name" of the FineTuneJobs. */
  private static List<String> apply(KubernetesClient client, List<Manifests.Manifest> objects) {
    List<String> jobs = new ArrayList<>();
    for (Manifests.Manifest m : objects) {
      HasMetadata object = m.object();
      String name = m.namespace() + "/" + object.getMetadata().getName();
      if (object instanceof FineTuneJob job) {
        client.resources(FineTuneJob.class).inNamespace(m.namespace()).resource(job).create();
        jobs.add(name);
        System.out.println("created FineTuneJob " + name);
      } else {
        client.resource(object).inNamespace(m.namespace()).create();
        System.out.println("created " + object.getKind() + " " + name);
      }
    }
    return jobs;
  }

  /**
   * Shows each job's status until all are final (a progress bar per job on a terminal, a line per
   * change otherwise); true if all succeeded.
   */
  private static boolean follow(KubernetesClient client, List<String> jobs)
      throws InterruptedException {
    boolean terminal = System.console() != null;
    Map<String, String> shown = new HashMap<>();
    Map<String, ProgressBar> bars = new HashMap<>();
    while (true) {
      boolean allFinal = true;
      boolean allSucceeded = true;
      for (String key : jobs) {
        FineTuneJobStatus s = status(client, key);
        Phase phase = s == null ? null : s.getPhase();
        if (terminal) {
          showBar(bars, key, s);
        } else {
          String line = key + " " + describe(s);
          if (!Objects.equals(shown.put(key, line), line)) {
            System.out.println(line);
          }
        }
        allFinal &= phase != null && phase.isFinal();
        allSucceeded &= phase == Phase.Succeeded;
      }
      if (allFinal) {
        bars.values().forEach(ProgressBar::close);
        for (String key : jobs) {
          FineTuneJobStatus s = status(client, key);
          if (s.getResult() != null) {
            System.out.println(
                key
                    + ": "
                    + s.getResult().getLayout()
                    + " written to "
                    + s.getResult().getLocation()
                    + preference(s.getResult().getMetrics(), ", final ", true));
            evaluation(s).ifPresent(line -> System.out.println(key + ": " + line));
            if (s.getResult().getArtifact() != null) {
              System.out.println(
                  key + ": published as " + s.getResult().getArtifact().getReference());
            }
          } else {
            System.out.println(key + ": " + s.getPhase() + " - " + s.getMessage());
          }
        }
        return allSucceeded;
      }
      Thread.sleep(500);
    }
  }

  private static FineTuneJobStatus status(KubernetesClient client, String key) {
    String[] parts = key.split("/", 2);
    FineTuneJob job =
        client.resources(FineTuneJob.class).inNamespace(parts[0]).withName(parts[1]).get();
    return job == null ? null : job.getStatus();
  }

  /** One bar per job: steps done of total, the phase and the loss beside it. */
  private static void showBar(Map<String, ProgressBar> bars, String key, FineTuneJobStatus s) {
    ProgressBar bar =
        bars.computeIfAbsent(
            key,
            k ->
                new ProgressBarBuilder()
                    .setTaskName(k)
                    .setInitialMax(-1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(250)
                    .build());
    var p = s == null ? null : s.getProgress();
    if (p != null && p.getTotalSteps() != null && p.getTotalSteps() > 0) {
      bar.maxHint(p.getTotalSteps());
      bar.stepTo(p.getStep());
    }
    String phase = s == null || s.getPhase() == null ? "Waiting" : s.getPhase().name();
    bar.setExtraMessage(
        " "
            + phase
            + (p != null && p.getLoss() != null ? " loss " + p.getLoss() : "")
            + (p != null ? preference(p.getMetrics(), " ", false) : ""));
  }

  /**
   * What a DPO run shows beside its loss: how often the chosen completion wins and by how much
   * (empty for a run without those metrics), after {@code lead}; with {@code evaluation} also on
   * the validation pairs, where there are some.
   */
  static String preference(Map<String, Double> metrics, String lead, boolean evaluation) {
    if (metrics == null) {
      return "";
    }
    List<String> names = new ArrayList<>(PREFERENCE_METRICS);
    if (evaluation) {
      PREFERENCE_METRICS.forEach(name -> names.add(MetricNames.EVAL_PREFIX + name));
    }
    StringBuilder b = new StringBuilder();
    for (String name : names) {
      Double value = metrics.get(name);
      if (value != null) {
        b.append(b.isEmpty() ? lead : ", ").append(name).append(' ').append(value);
      }
    }
    return b.toString();
  }

  /**
   * With spec.evaluation: base against tuned for each result, then whether the tuned model is
   * promoted (condition Promoted; its message, with the numbers, when it is not); empty without an
   * evaluation.
   */
  static java.util.Optional<String> evaluation(FineTuneJobStatus s) {
    if (s.getResult() == null || s.getResult().getEvaluation() == null) {
      return java.util.Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    for (var r : s.getResult().getEvaluation()) {
      b.append(b.isEmpty() ? "" : "; ").append(PromotionGate.describe(r));
    }
    s.getConditions().stream()
        .filter(c -> "Promoted".equals(c.getType()))
        .findFirst()
        .ifPresent(
            c ->
                b.append(b.isEmpty() ? "" : "; ")
                    .append(
                        "True".equals(c.getStatus())
                            ? "promoted (" + c.getReason() + ")"
                            : "not promoted: " + c.getMessage()));
    return java.util.Optional.of(b.toString());
  }

  static String describe(FineTuneJobStatus s) {
    if (s == null || s.getPhase() == null) {
      return "waiting for the operator";
    }
    StringBuilder b = new StringBuilder(s.getPhase().name());
    var p = s.getProgress();
    if (p != null && p.getTotalSteps() != null && p.getTotalSteps() == 0) {
      b.append(": the trainer is loading the model and data");
    } else if (p != null && p.getStep() != null && s.getPhase() == Phase.Running) {
      b.append(" step ").append(p.getStep()).append('/').append(p.getTotalSteps());
      if (p.getPercent() != null) {
        b.append(" (").append(p.getPercent()).append(')');
      }
      if (p.getLoss() != null) {
        b.append(" loss ").append(p.getLoss());
      }
      b.append(preference(p.getMetrics(), " ", false));
      if (p.getEta() != null) {
        b.append(" eta ").append(p.getEta());
      }
    } else if (s.getMessage() != null) {
      b.append(": ").append(s.getMessage());
    }
    return b.toString();
  }
}
