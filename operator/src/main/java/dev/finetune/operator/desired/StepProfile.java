/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.desired;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What sets one kind of Job of a FineTuneJob apart from the others. Everything else — image,
 * hardening, volumes, environment, labels, owner, run policy — {@link StepJob} gives every Job
 * alike.
 *
 * @param component the step's name: its Job's and pods' component label, its entry in status.steps
 * @param jobName the Job's name
 * @param container the container's name (the pod failure policy and the interpreters read it)
 * @param command the trainer image's command the container runs
 * @param args the command's arguments ({@code --config FILE} for the steps that read the trainer
 *     config)
 * @param resources CPU and memory from the operator's configuration, or what the spec asks for
 * @param placement the nodes its pod may run on
 * @param queue the Kueue queue: the Job carries its label and is created suspended for Kueue
 * @param gracePeriodSeconds how long the pod has between SIGTERM and SIGKILL
 * @param progressPort the port of GET /progress and /healthz, when the step serves them
 * @param permanentExitCodes exit codes that fail the Job at once (a retry cannot help)
 * @param secrets the Secrets the pod sees, each as files in a read-only folder (never as
 *     environment variables)
 * @param env environment variables of the step besides those every step gets (never a secret's
 *     value: at most the path of a mounted secret file)
 */
public record StepProfile(
    String component,
    String jobName,
    String container,
    String command,
    List<String> args,
    ResourceRequirements resources,
    Placement placement,
    Optional<String> queue,
    long gracePeriodSeconds,
    Optional<Integer> progressPort,
    List<Integer> permanentExitCodes,
    List<SecretMount> secrets,
    List<EnvVar> env) {

  /** The arguments of a step that reads the operator's trainer config. */
  public static final List<String> CONFIG_ARGS =
      List.of("--config", TrainerVolumes.CONFIG_DIR + "/" + TrainerVolumes.CONFIG_FILE);

  public StepProfile {
    args = List.copyOf(args);
    permanentExitCodes = List.copyOf(permanentExitCodes);
    secrets = List.copyOf(secrets);
    env = List.copyOf(env);
  }

  /**
   * A Secret mounted as a read-only folder of files.
   *
   * @param volume the pod's volume name
   * @param secret the Secret's name
   * @param key the one key to mount as {@code file}, or null for every key under its own name
   * @param dir where the folder is mounted
   * @param file the file name of {@code key}
   * @param optional whether the pod starts without the Secret (the step then reports the missing
   *     file itself, with the Secret's name, instead of a pod stuck mounting it)
   */
  public record SecretMount(
      String volume, String secret, String key, String dir, String file, boolean optional) {
    /** The mounted file's path in the pod. */
    public String path() {
      return dir + "/" + (file != null ? file : key);
    }
  }

  /** Node selector, tolerations and affinity (null: none). */
  public record Placement(
      Map<String, String> nodeSelector, List<Toleration> tolerations, Affinity affinity) {
    /** Any node that fits the requests: a CPU-only step's placement. */
    public static final Placement ANY_NODE = new Placement(null, null, null);
  }
}
