#!/usr/bin/env bash
# Trainer benchmark against what users run instead: Hugging Face transformers (AutoModelForCausalLM,
# default attention) + torch.optim.AdamW + clip_grad_norm_ on PyTorch 2.13 (.ci/hf-venv.sh), the
# same model folders, random token ids of the same shapes, 2 threads each, the two alternating in
# one run (these machines are shared and noisy). Prints s/step, tokens/s, peak RSS, the time ratio,
# and the achieved GFLOP/s against each engine's own float32 GEMM on the same machine.
#   trainer-image/bench/run.sh [ROUNDS]        (BENCH_SHAPES=tiny,gpt2,lora picks shapes)
# Models other than the fixtures' tiny-gpt2 are generated once into trainer-image/target/bench:
# a GPT-2 124M with random weights and a randomly initialised Qwen2.5-0.5B-shaped model (2 GB).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-2}
SHAPES=${BENCH_SHAPES:-tiny,gpt2,lora}
FIXTURES=${FINETUNE_FIXTURES:-../shared/fixtures}
WORK=trainer-image/target/bench
PY=$(bash .ci/hf-venv.sh)
[ -f trainer-image/target/finetune-trainer.jar ] || ./mvnw -q -B -pl trainer-image -am install -DskipTests
mkdir -p "$WORK"
# BENCH_TRAINER_DIR: another build's trainer-image/target (e.g. a before/after comparison).
TARGET=${BENCH_TRAINER_DIR:-trainer-image/target}
CP="$TARGET/finetune-trainer.jar:$TARGET/lib/*"
# The allocator settings the trainer ships with (the operator sets them on the trainer container,
# the image too); HF transformers runs as users run it, unless BENCH_HF_ALLOCATOR=tuned.
ALLOCATOR="MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296"
HF_ENV="X_BENCH=1"
[ "${BENCH_HF_ALLOCATOR:-}" = tuned ] && HF_ENV=$ALLOCATOR
# BENCH_TRAINER_ALLOCATOR=default runs the trainer with glibc's defaults (as before it set them).
# -Xms64m as in the image: the default initial heap (1/64 of the memory) ends up resident.
[ "${BENCH_TRAINER_ALLOCATOR:-}" = default ] && ALLOCATOR="X_BENCH=1"
JAVA="env $ALLOCATOR java -Xmx2g -Xms64m -XX:MaxDirectMemorySize=64g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp $CP dev.finetune.trainer.bench.TrainBenchmark"
[ -f "$WORK/gpt2-124m/model.safetensors" ] || $JAVA --make-gpt2 "$WORK/gpt2-124m" 12 768 12
if [[ ",$SHAPES," == *",lora,"* && ! -f "$WORK/qwen2.5-0.5b-shape/model.safetensors" ]]; then
  "$PY" trainer-image/bench/hf_train.py --make-qwen2 "$WORK/qwen2.5-0.5b-shape"
fi
LORA_TARGETS=q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
WARMUP=2  # untimed steps first: both engines are slower until their allocators have settled

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
RESULTS="$WORK/results-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
run_shape() { # NAME MODEL BATCH SEQ STEPS [LORA_RANK]   (BENCH_OBJECTIVE=dpo: BATCH pairs, TRL)
  local name=$1 model=$2 batch=$3 seq=$4 steps=$5 rank=${6:-}
  local lora=() java=$JAVA hf=trainer-image/bench/hf_train.py
  [ -n "$rank" ] && lora=("$rank" "$LORA_TARGETS")
  if [ "${BENCH_OBJECTIVE:-sft}" = dpo ]; then
    java=${JAVA/ -cp / -Dbench.objective=dpo -cp }
    hf=trainer-image/bench/hf_dpo.py
  fi
  for round in $(seq "$ROUNDS"); do
    $java "$model" "$batch" "$seq" "$steps" "$WARMUP" "${lora[@]}" 2>/dev/null >> "$RESULTS/$name.trainer.jsonl"
    env $HF_ENV "$PY" "$hf" "$model" "$batch" "$seq" "$steps" "$WARMUP" 2 "${lora[@]}" \
      2>/dev/null >> "$RESULTS/$name.hf.jsonl"
  done
  "$PY" trainer-image/bench/summarize.py "$name" "$model" "${rank:+lora}" "$RESULTS/$name.trainer.jsonl" "$RESULTS/$name.hf.jsonl"
}
printf '%-20s %-8s %22s %22s %8s %16s %16s\n' shape engine "s/step (median)" "tokens/s" ratio "peak RSS MiB" "GFLOP/s (GEMM)"
[[ ",$SHAPES," == *",tiny,"* ]] && run_shape tiny-gpt2-8x128 "$FIXTURES/models/tiny-gpt2" 8 128 8
[[ ",$SHAPES," == *",gpt2,"* ]] && run_shape gpt2-124m-1x256 "$WORK/gpt2-124m" 1 256 4
[[ ",$SHAPES," == *",lora,"* ]] && run_shape qwen0.5b-lora16-1x512 "$WORK/qwen2.5-0.5b-shape" 1 512 3 16
# DPO against TRL's DPOTrainer step (both with precomputed reference log-probs): 4 pairs of
# 2 x 128 tokens (a 64-token prompt, 64-token completions).
[[ ",$SHAPES," == *",dpo,"* ]] && BENCH_OBJECTIVE=dpo run_shape dpo-tiny-gpt2-4x2x128 "$FIXTURES/models/tiny-gpt2" 4 128 6
echo "raw results: $RESULTS"
