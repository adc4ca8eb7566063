#!/usr/bin/env bash
# The trainer's memory estimate (train.MemoryEstimate: what prepare reports as
# estimatedTrainingMemory and what DeviceFit compares with a GPU's free memory) against the
# trainer's real peak: for each shape, one JVM (peak RSS is per process) runs
# bench.MemoryBenchmark: resident memory once the JVM and libtorch are loaded (idle), a few
# training steps of the benchmark's kind (random token ids, the real loop), peak RSS (VmHWM).
# Same JVM and allocator settings as bench/run.sh. Prints a table; JSON lines go to a results folder.
#   trainer-image/bench/memory.sh [ROUNDS]
#   MEMORY_SHAPES=bench,fixtures,float16 picks groups (default: all three); MEMORY_STEPS=N
#   overrides every shape's number of steps
# The GPT-2 124M and Qwen2.5-0.5B-shaped models are generated as bench/run.sh does (the latter
# needs the Python environment of .ci/hf-venv.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-1}
SHAPES=${MEMORY_SHAPES:-bench,fixtures,float16}
FIXTURES=${FINETUNE_FIXTURES:-../shared/fixtures}
WORK=trainer-image/target/bench
[ -f trainer-image/target/finetune-trainer.jar ] || ./mvnw -q -B -pl trainer-image -am package -DskipTests
mkdir -p "$WORK"
TARGET=${BENCH_TRAINER_DIR:-trainer-image/target}
CP="$TARGET/finetune-trainer.jar:$TARGET/lib/*"
ALLOCATOR="MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 THP_MEM_ALLOC_ENABLE=1"
# MEMORY_ALLOCATOR=default: glibc's defaults, which hand large blocks back to the system when freed,
# so the peak is closer to the tensors alive at once (the shipped settings keep freed memory).
[ "${MEMORY_ALLOCATOR:-}" = default ] && ALLOCATOR="X_BENCH=1"
# MEMORY_ALLOCATOR=mmap: every block of 64 KiB or more mapped on allocation and unmapped when freed
# (slow): the peak is then close to the largest set of buffers alive at once.
[ "${MEMORY_ALLOCATOR:-}" = mmap ] && ALLOCATOR="MALLOC_MMAP_THRESHOLD_=65536 MALLOC_TRIM_THRESHOLD_=0"
JVM="env $ALLOCATOR java -Xmx2g -Xms64m -XX:MaxDirectMemorySize=64g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp $CP"
MEASURE="$JVM dev.finetune.trainer.bench.MemoryBenchmark"
LORA_TARGETS=q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
if [[ ",$SHAPES," == *",bench,"* ]]; then
  [ -f "$WORK/gpt2-124m/model.safetensors" ] ||
    $JVM dev.finetune.trainer.bench.TrainBenchmark --make-gpt2 "$WORK/gpt2-124m" 12 768 12
  [ -f "$WORK/qwen2.5-0.5b-shape/model.safetensors" ] ||
    "$(bash .ci/hf-venv.sh)" trainer-image/bench/hf_train.py --make-qwen2 "$WORK/qwen2.5-0.5b-shape"
fi
RESULTS="$WORK/memory-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); commit $(git rev-parse --short HEAD); allocator: ${MEMORY_ALLOCATOR:-shipped}" >&2
measure() { # NAME MODEL BATCH SEQ STEPS [LORA_RANK TARGETS] [float16]
  local name=$1
  shift
  [ -n "${MEMORY_STEPS:-}" ] && set -- "${@:1:3}" "$MEMORY_STEPS" "${@:5}"
  for round in $(seq "$ROUNDS"); do
    $MEASURE "$@" 2>/dev/null | sed "s/^{/{\"shape\":\"$name\",/" >> "$RESULTS/memory.jsonl"
  done
}
if [[ ",$SHAPES," == *",bench,"* ]]; then
  measure "tiny-gpt2 8x128 full" "$FIXTURES/models/tiny-gpt2" 8 128 4
  measure "GPT-2 124M 1x256 full" "$WORK/gpt2-124m" 1 256 3
  measure "Qwen2.5-0.5B shape 1x512 LoRA r16" "$WORK/qwen2.5-0.5b-shape" 1 512 3 16 "$LORA_TARGETS"
fi
if [[ ",$SHAPES," == *",fixtures,"* ]]; then
  for dir in "$FIXTURES"/models/*/; do
    fixture=$(basename "$dir")
    measure "$fixture 4x64 full" "$dir" 4 64 4
    measure "$fixture 4x64 LoRA r8" "$dir" 4 64 4 8 default
  done
fi
if [[ ",$SHAPES," == *",float16,"* ]]; then
  # (GPT-2 124M 1x256 in float16 had not finished 3 steps after 9 minutes on a loaded 2-core machine:
  # float16 matrix products are slow on CPU.)
  measure "tiny-gpt2 8x128 full float16" "$FIXTURES/models/tiny-gpt2" 8 128 4 float16
  measure "tiny-llama 4x64 LoRA r8 float16" "$FIXTURES/models/tiny-llama" 4 64 4 8 default float16
fi
python3 - "$RESULTS/memory.jsonl" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print(f"| Shape | estimate MiB (fixed + layers + logits) | measured peak − idle MiB | idle MiB | error (estimate / measured − 1) |")
print("|---|---|---|---|---|")
for r in rows:
    print(f"| {r['shape']} | {r['estimate_mib']:,.0f} ({r['estimate_fixed_mib']:,.0f} + {r['estimate_layers_mib']:,.0f} + {r['estimate_logits_mib']:,.0f})"
          f" | {r['peak_minus_idle_mib']:,.0f} | {r['idle_mib']:,.0f} | {r['ratio'] - 1:+.0%} |")
EOF
echo "raw results: $RESULTS/memory.jsonl" >&2
