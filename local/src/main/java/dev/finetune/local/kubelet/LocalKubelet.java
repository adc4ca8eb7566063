/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.local.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.operator.desired.ChildLabels;
import dev.finetune.operator.desired.TrainerJobDependentResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the Job controller and the kubelet for local mode: runs each trainer Job's pod as a local
 * process (the container's arguments and environment, volumes bound to folders, the progress port
 * moved to a free local port), writes Pod and Job status the way Kubernetes does (Pending, Running,
 * Succeeded or Failed with exit code and termination message) and retries a failed pod per the
 * Job's pod failure policy and backoffLimit. All state changes run on one thread, in order.
 */
public final class LocalKubelet implements AutoCloseable, PodLogs {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
  private static final int MAX_TERMINATION_MESSAGE = 4096;
  private static final String LOG_FILE = "trainer.log";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Path root;
  private final Map<String, Path> boundClaims;
  private final List<String> trainerCommand;
  private final JobEmulator emulator;
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "local-kubelet"));
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private final Map<String, String> environment = new ConcurrentHashMap<>();
  private SharedIndexInformer<Job> informer;

  /**
   * @param root where pod folders ({@code pods/}) and claims without a binding ({@code volumes/})
   *     live
   * @param boundClaims claims backed by existing folders (e.g. a dataset folder)
   * @param trainerCommand replaces the image's entrypoint: the container's arguments follow it
   */
  public LocalKubelet(
      KubernetesClient client,
      Path root,
      Map<String, Path> boundClaims,
      List<String> trainerCommand) {
    this.client = client;
    this.root = root;
    this.boundClaims = Map.copyOf(boundClaims);
    this.trainerCommand = List.copyOf(trainerCommand);
    this.emulator = new JobEmulator(client, "localhost", "127.0.0.1");
  }

  /**
   * Environment every pod process gets besides its container's (a node's settings, e.g. {@code
   * HF_ENDPOINT} for a Hub mirror); the container's own variables win.
   */
  public LocalKubelet withEnvironment(Map<String, String> variables) {
    environment.putAll(variables);
    return this;
  }

  public LocalKubelet start() {
    informer =
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabel(ChildLabels.MANAGED_BY, ChildLabels.MANAGED_BY_VALUE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    events.submit(() -> sync(key(job)));
                  }

                  @Override
                  public void onUpdate(Job before, Job job) {
                    events.submit(() -> sync(key(job)));
                  }

                  @Override
                  public void onDelete(Job job, boolean unknown) {
                    events.submit(() -> stop(key(job), true));
                  }
                });
    return this;
  }

  /** The running trainer process of a pod, if any (tests use it to kill a trainer). */
  public Optional<Process> process(String namespace, String pod) {
    return Optional.ofNullable(processes.get(namespace + "/" + pod));
  }

  @Override
  public Optional<Path> logFile(String namespace, String pod) {
    Path log = podDir(namespace, pod).resolve(LOG_FILE);
    return Files.isRegularFile(log) ? Optional.of(log) : Optional.empty();
  }

  @Override
  public boolean running(String namespace, String pod) {
    return process(namespace, pod).map(Process::isAlive).orElse(false);
  }

  private Path podDir(String namespace, String pod) {
    return root.resolve("pods").resolve(namespace).resolve(pod);
  }

  private record JobKey(String namespace, String name) {}

  private static JobKey key(Job job) {
    return new JobKey(job.getMetadata().getNamespace(), job.getMetadata().getName());
  }

  private Job job(JobKey key) {
    return client.batch().v1().jobs().inNamespace(key.namespace()).withName(key.name()).get();
  }

  private void sync(JobKey key) {
    try {
      Job job = job(key);
      if (job == null || JobEmulator.finished(job)) {
        return;
      }
      if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
        stop(key, false);
        return;
      }
      if (activePod(key).isEmpty()) {
        launch(job);
      }
    } catch (RuntimeException e) {
      LOG.error("local kubelet: cannot run {}/{}", key.namespace(), key.name(), e);
    }
  }

  private Optional<String> activePod(JobKey key) {
    String prefix = key.namespace() + "/" + key.name() + "-";
    return processes.keySet().stream().filter(k -> k.startsWith(prefix)).findFirst();
  }

  /** SIGTERM (suspend) or SIGKILL (deleted) the job's running process. */
  private void stop(JobKey key, boolean kill) {
    activePod(key)
        .map(processes::get)
        .ifPresent(
            p -> {
              if (kill) {
                p.destroyForcibly();
              } else {
                p.destroy();
              }
            });
  }

  private void launch(Job job) {
    String namespace = job.getMetadata().getNamespace();
    int port = freePort();
    Pod pod = emulator.createPod(job, p -> withProgressPort(p, port));
    String podName = pod.getMetadata().getName();
    Path podDir = podDir(namespace, podName);
    Container container = pod.getSpec().getContainers().get(0);
    try {
      Files.createDirectories(podDir);
      Path terminationLog = podDir.resolve("termination-log");
      PathMap paths =
          bindVolumes(
              pod, podDir, port, new PathMap().mount(terminationPath(container), terminationLog));
      List<String> command = new ArrayList<>(trainerCommand);
      for (String arg : Optional.ofNullable(container.getArgs()).orElse(List.of())) {
        command.add(arg.startsWith("/") ? paths.local(arg) : arg);
      }
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(podDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(podDir.resolve(LOG_FILE).toFile());
      builder.environment().putAll(environment);
      for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
        if (env.getValue() != null) {
          builder
              .environment()
              .put(
                  env.getName(),
                  env.getValue().startsWith("/") ? paths.local(env.getValue()) : env.getValue());
        }
      }
      Process process = builder.start();
      String processKey = namespace + "/" + podName;
      processes.put(processKey, process);
      LOG.info(
          "local kubelet: started pod {}/{} (pid {}, progress port {})",
          namespace,
          podName,
          process.pid(),
          port);
      emulator.running(pod);
      emulator.jobStatus(job, 1, JobEmulator.failures(job), null, null);
      process
          .onExit()
          .thenAccept(
              p ->
                  events.submit(
                      () -> {
                        processes.remove(processKey);
                        exited(job, pod, p.exitValue(), podDir, terminationLog);
                      }));
    } catch (IOException e) {
      LOG.error("local kubelet: cannot start pod {}/{}", namespace, podName, e);
      emulator.terminated(pod, 127, "StartError", e.getMessage());
      emulator.jobStatus(job, 0, JobEmulator.failures(job) + 1, "Failed", "PodStartFailed");
    }
  }

  private void exited(Job job, Pod pod, int exitCode, Path podDir, Path terminationLog) {
    String message = terminationMessage(terminationLog, podDir.resolve(LOG_FILE), exitCode);
    LOG.info(
        "local kubelet: pod {}/{} exited with {}",
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        exitCode);
    if (emulator.podExited(job, pod, exitCode, message) == JobEmulator.Outcome.RETRY) {
      Job counted = job(key(job));
      if (counted != null && !Boolean.TRUE.equals(counted.getSpec().getSuspend())) {
        launch(counted);
      }
    }
  }

  /**
   * Binds the pod's volumes to folders (added to {@code paths}) and writes ConfigMap and Secret
   * volumes out as files, with the paths in JSON files mapped.
   */
  private PathMap bindVolumes(Pod pod, Path podDir, int port, PathMap paths) throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    Container container = pod.getSpec().getContainers().get(0);
    for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      Volume volume = volumeOf(pod, mount);
      Path dir;
      if (volume.getPersistentVolumeClaim() != null) {
        String claim = volume.getPersistentVolumeClaim().getClaimName();
        bind(namespace, claim);
        dir =
            boundClaims.getOrDefault(
                claim, root.resolve("volumes").resolve(namespace).resolve(claim));
      } else {
        dir = podDir.resolve("volumes").resolve(volume.getName());
      }
      Files.createDirectories(dir);
      paths.mount(mount.getMountPath(), dir);
    }
    for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      Volume volume = volumeOf(pod, mount);
      Path dir = Path.of(paths.local(mount.getMountPath()));
      if (volume.getConfigMap() != null) {
        ConfigMap cm =
            client
                .configMaps()
                .inNamespace(namespace)
                .withName(volume.getConfigMap().getName())
                .get();
        if (cm != null && cm.getData() != null) {
          for (var e : cm.getData().entrySet()) {
            Files.writeString(
                dir.resolve(e.getKey()), localized(e.getKey(), e.getValue(), paths, port));
          }
        }
      } else if (volume.getSecret() != null) {
        Secret secret =
            client
                .secrets()
                .inNamespace(namespace)
                .withName(volume.getSecret().getSecretName())
                .get();
        if (secret != null && secret.getData() != null) {
          for (var e : secret.getData().entrySet()) {
            Files.write(dir.resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
          }
        }
      }
    }
    return paths;
  }

  /**
   * Marks a claim Bound with the capacity it asked for, as a provisioner would (the folder is its
   * volume); claims that exist only as local folders (--volume) have no object to update.
   */
  private void bind(String namespace, String claim) {
    var resource = client.persistentVolumeClaims().inNamespace(namespace).withName(claim);
    PersistentVolumeClaim pvc = resource.get();
    if (pvc == null || (pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase()))) {
      return;
    }
    PersistentVolumeClaim named =
        resource.edit(
            c ->
                new PersistentVolumeClaimBuilder(c)
                    .editSpec()
                    .withVolumeName("local-" + claim)
                    .endSpec()
                    .build());
    Map<String, Quantity> requested =
        named.getSpec().getResources() == null
            ? null
            : named.getSpec().getResources().getRequests();
    client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .resource(
            new PersistentVolumeClaimBuilder(named)
                .withNewStatus()
                .withPhase("Bound")
                .withAccessModes(named.getSpec().getAccessModes())
                .withCapacity(
                    requested == null ? Map.of() : Map.of("storage", requested.get("storage")))
                .endStatus()
                .build())
        .updateStatus();
  }

  private static Volume volumeOf(Pod pod, VolumeMount mount) {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * A config file as the local process must see it: paths inside the pod become local paths, and
   * the trainer's progress port the free local port this pod got.
   */
  private static String localized(String name, String content, PathMap paths, int port) {
    if (!name.endsWith(".json")) {
      return content;
    }
    try {
      JsonNode json = paths.rewrite(JSON.readTree(content));
      if (json instanceof ObjectNode object && object.has("progressPort")) {
        object.put("progressPort", port);
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    } catch (IOException e) {
      return content;
    }
  }

  /** The pod with its progress port moved to {@code port}, a free one on this machine. */
  private static Pod withProgressPort(Pod pod, int port) {
    for (Container c : pod.getSpec().getContainers()) {
      for (ContainerPort p : Optional.ofNullable(c.getPorts()).orElse(List.of())) {
        if (TrainerJobDependentResource.PORT_NAME.equals(p.getName())) {
          p.setContainerPort(port);
        }
      }
    }
    return pod;
  }

  private static String terminationPath(Container container) {
    return Optional.ofNullable(container.getTerminationMessagePath())
        .orElse("/dev/termination-log");
  }

  /** The termination file, or with a failure and no file the log's tail (FallbackToLogsOnError). */
  private static String terminationMessage(Path file, Path log, int exitCode) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) > 0) {
        return head(file);
      }
      if (exitCode != 0 && Files.isRegularFile(log)) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String tail =
            String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        return tail.length() <= MAX_TERMINATION_MESSAGE
            ? tail
            : tail.substring(tail.length() - MAX_TERMINATION_MESSAGE);
      }
    } catch (IOException e) {
      LOG.warn("local kubelet: cannot read {}: {}", file, e.getMessage());
    }
    return null;
  }

  private static String head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_TERMINATION_MESSAGE), StandardCharsets.UTF_8);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    processes.values().forEach(Process::destroyForcibly);
    events.shutdownNow();
  }
}
