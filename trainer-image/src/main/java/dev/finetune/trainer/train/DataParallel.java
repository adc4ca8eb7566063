/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.finetune.trainer.TrainerException;
import dev.finetune.trainer.data.Example;
import dev.finetune.trainer.model.CausalLmBlock;
import dev.finetune.trainer.model.LoraAdapter;
import dev.finetune.trainer.model.ModelLoader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Data parallel inside one trainer process, over the devices of its pod (what torch.nn.DataParallel
 * does for a Hugging Face Trainer started without a launcher): one replica of the model per device,
 * the step's micro-batches dealt to them in turn and run concurrently, each replica's gradients
 * summed onto the first device, one optimizer step there, and the updated weights copied back to
 * every replica. The global batch stays batchSize × gradient accumulation steps, so N devices
 * compute the one-device step (up to the order of a floating-point sum).
 *
 * <p>DJL's GradientCollector allows one collector in the whole process at a time, so each replica's
 * thread turns PyTorch's (per-thread) grad mode on itself and calls the engine's backward directly.
 */
public final class DataParallel implements AutoCloseable {
  private static final NDIndex ALL = new NDIndex("...");

  /** One model copy: its block, its arrays in the primary's trainable order, its device. */
  private record Replica(CausalLmBlock model, List<NDArray> trainable, NDManager manager) {}

  private final List<Replica> replicas;
  private final Objective objective;
  private final ExecutorService workers;

  private DataParallel(List<Replica> replicas, Objective objective) {
    this.replicas = replicas;
    this.objective = objective;
    this.workers = Executors.newFixedThreadPool(replicas.size() - 1, DataParallel::workerThread);
  }

  /**
   * Replicas of {@code primary} (whose {@code trainable} arrays the optimizer updates) on {@code
   * count} devices: GPUs 0 … count−1 when the primary is on a GPU, else {@code count} copies on the
   * CPU (what the tests run).
   */
  public static DataParallel create(
      CausalLmBlock primary,
      Objective objective,
      Map<String, NDArray> trainable,
      int count,
      NDManager manager) {
    if (count < 2) {
      throw new IllegalArgumentException("data parallel needs at least two replicas");
    }
    List<Replica> replicas = new ArrayList<>();
    replicas.add(new Replica(primary, List.copyOf(trainable.values()), manager));
    Device first = manager.getDevice();
    for (int i = 1; i < count; i++) {
      Device device = first.isGpu() ? Device.gpu(first.getDeviceId() + i) : first;
      NDManager on = NDManager.newBaseManager(device);
      Map<NDArray, NDArray> copies = new IdentityHashMap<>();
      CausalLmBlock copy = replicate(primary, on, copies);
      List<NDArray> arrays = new ArrayList<>();
      for (NDArray array : trainable.values()) {
        NDArray replicaArray = copies.get(array);
        replicaArray.setRequiresGradient(true);
        arrays.add(replicaArray);
      }
      replicas.add(new Replica(copy, arrays, on));
    }
    return new DataParallel(replicas, objective);
  }

  /**
   * Forward and backward passes of {@code micro} micro-batches, micro-batch i on replica i mod N,
   * each replica's own on its own thread; {@code toRoot} turns a micro-batch's summed loss into
   * what its backward pass starts from. Afterwards the summed gradients are on the primary's arrays
   * and the other replicas' are zero, and {@code sums} holds every micro-batch's loss and
   * statistics, added replica by replica in order (the same sums whatever thread finished first).
   */
  public void forwardBackward(
      List<List<Example>> micro, UnaryOperator<NDArray> toRoot, TrainingLoop.Sums sums) {
    List<Future<TrainingLoop.Sums>> results = new ArrayList<>();
    for (int r = 1; r < replicas.size() && r < micro.size(); r++) {
      int index = r;
      results.add(workers.submit(() -> run(replicas.get(index), index, micro, toRoot)));
    }
    // Every replica finishes before a failure goes on: none may touch a gradient afterwards.
    RuntimeException failure = null;
    try {
      sums.add(run(replicas.get(0), 0, micro, toRoot));
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<TrainingLoop.Sums> result : results) {
      try {
        TrainingLoop.Sums replicaSums = await(result);
        if (failure == null) {
          sums.add(replicaSums);
        }
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
    reduce(Math.min(replicas.size(), micro.size()));
  }

  /** Copies the primary's trainable arrays (just updated) to every other replica. */
  public void broadcast() {
    List<NDArray> primary = replicas.get(0).trainable();
    for (Replica replica : replicas.subList(1, replicas.size())) {
      for (int i = 0; i < primary.size(); i++) {
        NDArray target = replica.trainable().get(i);
        NDArray source = primary.get(i);
        NDArray moved = source.toDevice(target.getDevice(), false);
        target.set(ALL, moved);
        closeCopy(moved, source);
      }
    }
  }

  private TrainingLoop.Sums run(
      Replica replica, int index, List<List<Example>> micro, UnaryOperator<NDArray> toRoot) {
    TrainingLoop.Sums sums = new TrainingLoop.Sums();
    // Grad mode is per thread in PyTorch: on for this replica's passes, off again afterwards.
    JniUtils.setGradMode(true);
    replica.model().setTraining(true);
    // The scope frees what the pass makes outside the step's manager too (a weight's transpose or
    // float16 copy belongs to the weight's manager), as the loop's own scope does on its thread.
    try (NDManager step = replica.manager().newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (int i = index; i < micro.size(); i += replicas.size()) {
        try (LossPass pass =
                LossPass.forward(objective, replica.model(), micro.get(i), step, toRoot);
            NDArray seed = pass.root().onesLike()) {
          sums.add(pass);
          JniUtils.backward((PtNDArray) pass.root(), (PtNDArray) seed, false, false);
        }
      }
    } finally {
      replica.model().setTraining(false);
      JniUtils.setGradMode(false);
    }
    return sums;
  }

  /**
   * Drops what a failed step left in the other replicas' gradients (the loop zeroes the primary).
   */
  public void zeroGradients() {
    for (Replica replica : replicas.subList(1, replicas.size())) {
      replica.trainable().forEach(a -> JniUtils.zeroGrad((PtNDArray) a));
    }
  }

  /** Sums the gradients of replicas 1 … used−1 into the primary's and zeroes theirs. */
  private void reduce(int used) {
    List<NDArray> primary = replicas.get(0).trainable();
    for (int i = 0; i < primary.size(); i++) {
      NDArray p = primary.get(i);
      try (NDArray sum = p.getGradient()) {
        for (Replica replica : replicas.subList(1, used)) {
          NDArray array = replica.trainable().get(i);
          try (NDArray g = array.getGradient()) {
            NDArray moved = g.toDevice(p.getDevice(), false);
            sum.addi(moved);
            closeCopy(moved, g);
          }
          JniUtils.zeroGrad((PtNDArray) array);
        }
      }
    }
  }

  /**
   * Closes {@code moved} if it is a copy: on the same device, toDevice returns the array itself.
   */
  private static void closeCopy(NDArray moved, NDArray source) {
    if (moved != source) {
      moved.close();
    }
  }

  /** A block like {@code primary}, with copies of its arrays (and adapter) on {@code manager}. */
  private static CausalLmBlock replicate(
      CausalLmBlock primary, NDManager manager, Map<NDArray, NDArray> copies) {
    CausalLmBlock copy = ModelLoader.newBlock(primary.config());
    primary
        .parametersByName()
        .forEach(
            (key, p) -> {
              NDArray array = copyTo(p.getArray(), manager);
              copies.put(p.getArray(), array);
              copy.parametersByName().get(key).setArray(array);
            });
    copy.setPrecision(primary.precision());
    LoraAdapter adapter = primary.adapter();
    if (adapter != null) {
      Map<String, LoraAdapter.Pair> modules = new LinkedHashMap<>();
      adapter
          .modules()
          .forEach(
              (module, pair) -> {
                NDArray a = copyTo(pair.a(), manager);
                NDArray b = copyTo(pair.b(), manager);
                copies.put(pair.a(), a);
                copies.put(pair.b(), b);
                modules.put(module, new LoraAdapter.Pair(a, b));
              });
      copy.setAdapter(new LoraAdapter(modules, adapter.scaling(), adapter.dropout()));
    }
    return copy;
  }

  /** A copy of {@code array} owned by {@code manager}, on its device (never an alias). */
  private static NDArray copyTo(NDArray array, NDManager manager) {
    NDArray copy =
        array.getDevice().equals(manager.getDevice())
            ? array.duplicate()
            : array.toDevice(manager.getDevice(), true);
    copy.attach(manager);
    return copy;
  }

  private static TrainingLoop.Sums await(Future<TrainingLoop.Sums> result) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while replicas were training", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TrainerException t) {
        throw t;
      }
      if (e.getCause() instanceof RuntimeException r && OutOfMemory.is(r)) {
        // The loop may rerun the step with smaller micro-batches.
        throw r;
      }
      throw new IllegalStateException("a replica failed: " + e.getCause(), e.getCause());
    }
  }

  private static Thread workerThread(Runnable r) {
    Thread t = new Thread(r, "replica");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    workers.shutdownNow();
    for (Replica replica : replicas.subList(1, replicas.size())) {
      replica.manager().close();
    }
  }
}
