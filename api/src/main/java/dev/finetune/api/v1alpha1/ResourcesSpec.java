/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Compute resources and scheduling of the trainer pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {
  @Min(0)
  @Max(16)
  @JsonPropertyDescription(
      "GPUs for the trainer pod. 0 trains on CPU. Default: 1. The trainer checks them before"
          + " the model loads: when its engine can use fewer (no driver, CPU natives, a broken"
          + " device) the job fails at once with reason GpuUnavailable, naming what the engine"
          + " saw, instead of training on the CPU. With more, the trainer trains"
          + " data parallel: one model replica per GPU, each step's micro-batches"
          + " (gradientAccumulationSteps of batchSize) dealt to them in turn, so the global batch"
          + " and the result do not depend on the GPU count; make gradientAccumulationSteps a"
          + " multiple of gpus.")
  private Integer gpus;

  @Size(min = 1, max = 253)
  @Pattern("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$")
  @Accepted(
      "an extended resource name, an optional lower-case domain and '/' then a name of letters,"
          + " digits, '-', '_' and '.' (e.g. nvidia.com/gpu or amd.com/gpu)")
  @JsonPropertyDescription(
      "Extended resource name of a GPU. Default: the operator's setting (nvidia.com/gpu).")
  private String gpuResourceName;

  @Size(max = 64)
  @Pattern("^[0-9]+(\\.[0-9]+)?m?$")
  @Accepted("a number of cores, or of thousandths of a core with m (e.g. 8, 0.5 or 7500m)")
  @JsonPropertyDescription("CPU request and limit, e.g. 8 or 7500m.")
  private String cpu;

  @Size(max = 64)
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  @Accepted("a number of bytes with an optional unit Ki, Mi, Gi, Ti (or k, M, G, T) (e.g. 48Gi)")
  @JsonPropertyDescription("Memory request and limit, e.g. 48Gi.")
  private String memory;

  @Size(max = 32)
  @JsonPropertyDescription("Node labels the trainer pod must match.")
  private Map<String, String> nodeSelector;

  @Size(max = 32)
  @JsonPropertyDescription("Tolerations of the trainer pod, e.g. for tainted GPU nodes.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity of the trainer pod.")
  private Affinity affinity;

  @Size(max = 253)
  @JsonPropertyDescription("PriorityClass of the trainer pod.")
  private String priorityClassName;

  public Integer getGpus() {
    return gpus;
  }

  public void setGpus(Integer gpus) {
    this.gpus = gpus;
  }

  public String getGpuResourceName() {
    return gpuResourceName;
  }

  public void setGpuResourceName(String gpuResourceName) {
    this.gpuResourceName = gpuResourceName;
  }

  public String getCpu() {
    return cpu;
  }

  public void setCpu(String cpu) {
    this.cpu = cpu;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }
}
