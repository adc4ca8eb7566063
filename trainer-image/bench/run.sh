#!/usr/bin/env bash
# Trainer benchmark against what users run instead, measured fairly: Hugging Face transformers
# (AutoModelForCausalLM, its default attention: SDPA) with what its Trainer uses by default
# (torch.optim.AdamW(fused=True), clip_grad_norm_, zero_grad(set_to_none=True); DPO: TRL's
# DPOTrainer) on PyTorch 2.13 (.ci/hf-venv.sh), the same model folders, the same token ids (one
# file per shape both read), 2 threads each, the two alternating in one run (these machines are
# shared and noisy), both with the same allocator environment: the glibc malloc settings the
# trainer ships with (the headline), then BENCH_GLIBC_ROUNDS alternating rounds with glibc's
# defaults on both sides (a second line per engine). Prints s/step (the median of the rounds'
# medians of STEPS timed steps after WARMUP), tokens/s, peak RSS, the time ratio, achieved GFLOP/s
# against each engine's own float32 GEMM, both engines' first-step loss (they must agree to 1e-5:
# same weights, same data; the run fails otherwise) and the library versions.
#   trainer-image/bench/run.sh [ROUNDS]     (default 3; BENCH_SHAPES=tiny,gpt2,lora,long,dpo picks
#                                            shapes; BENCH_STEPS timed steps, default 10;
#                                            BENCH_GLIBC_ROUNDS, default 1; BENCH_PYTHON: a python
#                                            with torch/transformers/peft/trl instead of .ci/hf-venv.sh;
#                                            BENCH_COUNT_OPS=0 skips the profiled step that counts
#                                            the operators each engine dispatches per step;
#                                            BENCH_PROFILE_WARMUP steps before it, default 5)
# Models other than the fixtures' tiny-gpt2 are generated once into trainer-image/target/bench:
# a GPT-2 124M with random weights, a randomly initialised Qwen2.5-0.5B-shaped model (2 GB) and a
# small Qwen2-shaped model for 1 x 2048 (hf_train.py --make-long).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
STEPS=${BENCH_STEPS:-10}
GLIBC_ROUNDS=${BENCH_GLIBC_ROUNDS:-1}
SHAPES=${BENCH_SHAPES:-tiny,gpt2,lora,long}
FIXTURES=${FINETUNE_FIXTURES:-../shared/fixtures}
WORK=trainer-image/target/bench
PY=${BENCH_PYTHON:-$(bash .ci/hf-venv.sh)}
[ -f trainer-image/target/finetune-trainer.jar ] || ./mvnw -q -B -pl trainer-image -am package -DskipTests
mkdir -p "$WORK"
# BENCH_TRAINER_DIR: another build's trainer-image/target. BENCH_BASELINE_DIR: a second build's
# target (finetune-trainer.jar and lib/), run in every round of the headline too ("before" lines):
# a before/after comparison in one alternating run.
TARGET=${BENCH_TRAINER_DIR:-trainer-image/target}
CP="$TARGET/finetune-trainer.jar:$TARGET/lib/*"
BASELINE=${BENCH_BASELINE_DIR:-}
# The allocator settings the trainer ships with (the operator sets them on the trainer container,
# the image too), on both sides for the headline; glibc's defaults on both for the second line.
TUNED="MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 THP_MEM_ALLOC_ENABLE=1"
# -Xms64m as in the image: the default initial heap (1/64 of the memory) ends up resident.
JAVA="java -Xmx2g -Xms64m -XX:MaxDirectMemorySize=64g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp $CP dev.finetune.trainer.bench.TrainBenchmark"
[ -f "$WORK/gpt2-124m/model.safetensors" ] || env $TUNED $JAVA --make-gpt2 "$WORK/gpt2-124m" 12 768 12
if [[ ",$SHAPES," == *",lora,"* && ! -f "$WORK/qwen2.5-0.5b-shape/model.safetensors" ]]; then
  "$PY" trainer-image/bench/hf_train.py --make-qwen2 "$WORK/qwen2.5-0.5b-shape"
fi
if [[ ",$SHAPES," == *",long,"* && ! -f "$WORK/qwen2-long-shape/model.safetensors" ]]; then
  "$PY" trainer-image/bench/hf_train.py --make-long "$WORK/qwen2-long-shape"
fi
LORA_TARGETS=q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
WARMUP=2  # untimed steps first: both engines are slower until their allocators have settled
PROFILE_WARMUP=${BENCH_PROFILE_WARMUP:-5}  # steps before the profiled one (see run_shape)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $ROUNDS rounds of $STEPS timed steps after $WARMUP, + $GLIBC_ROUNDS with glibc's defaults"
RESULTS="$WORK/results-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
FAILED=0
run_pair() { # ENV NAME SUFFIX MODEL BATCH SEQ TOKENS LORA...   one trainer run, then one HF run
  local envs=$1 name=$2 suffix=$3 model=$4 batch=$5 seq=$6 tokens=$7
  shift 7
  local java=${JAVA/ -cp / -Dbench.tokens=$tokens -cp } hf=trainer-image/bench/hf_train.py
  if [ "${BENCH_OBJECTIVE:-sft}" = dpo ]; then
    java=${java/ -cp / -Dbench.objective=dpo -cp }
    hf=trainer-image/bench/hf_dpo.py
  fi
  env $envs $java "$model" "$batch" "$seq" "$STEPS" "$WARMUP" "$@" \
    2>>"$RESULTS/$name.log" >> "$RESULTS/$name.trainer$suffix.jsonl" || echo "$name: trainer failed (see $RESULTS/$name.log)"
  if [ -n "$BASELINE" ] && [ -z "$suffix" ]; then
    local before=${java/ -cp "$CP" / -cp $BASELINE/finetune-trainer.jar:$BASELINE/lib/* }
    env $envs $before "$model" "$batch" "$seq" "$STEPS" "$WARMUP" "$@" \
      2>>"$RESULTS/$name.log" >> "$RESULTS/$name.before.jsonl" || echo "$name: baseline trainer failed"
  fi
  env $envs "$PY" "$hf" "$model" "$batch" "$seq" "$STEPS" "$WARMUP" 2 "$@" --tokens "$tokens" \
    2>>"$RESULTS/$name.log" >> "$RESULTS/$name.hf$suffix.jsonl" || echo "$name: HF failed (see $RESULTS/$name.log)"
}
run_shape() { # NAME MODEL BATCH SEQ [LORA_RANK]   (BENCH_OBJECTIVE=dpo: BATCH pairs, TRL)
  local name=$1 model=$2 batch=$3 seq=$4 rank=${5:-}
  local lora=() pairs=()
  [ -n "$rank" ] && lora=("$rank" "$LORA_TARGETS")
  [ "${BENCH_OBJECTIVE:-sft}" = dpo ] && pairs=(--pairs)
  local tokens="$RESULTS/$name.tokens"
  "$PY" trainer-image/bench/hf_train.py --make-tokens "$model" "$tokens" $((batch * (STEPS + WARMUP))) "$seq" "${pairs[@]}"
  for round in $(seq "$ROUNDS"); do
    run_pair "$TUNED" "$name" "" "$model" "$batch" "$seq" "$tokens" "${lora[@]}"
  done
  for round in $(seq "$GLIBC_ROUNDS"); do
    run_pair "X_BENCH=1" "$name" ".glibc" "$model" "$batch" "$seq" "$tokens" "${lora[@]}"
  done
  # One more step each under PyTorch's profiler (untimed), after PROFILE_WARMUP steps: the
  # operators each engine dispatches per step, which on a GPU are kernel launches (summarize.py
  # counts them from the traces), and where the time goes by operator. Not the second step: the
  # JVM's JIT compilers still share the two cores then (measured: the long shape's o_proj product
  # 15 ms in the trainer's second step, 1.9 ms in HF's).
  if [ "${BENCH_COUNT_OPS:-1}" = 1 ]; then
    local java=${JAVA/ -cp / -Dbench.tokens=$tokens -Dbench.profile=$RESULTS/$name.trainer.trace.json -cp }
    local hf=trainer-image/bench/hf_train.py
    if [ "${BENCH_OBJECTIVE:-sft}" = dpo ]; then
      java=${java/ -cp / -Dbench.objective=dpo -cp }
      hf=trainer-image/bench/hf_dpo.py
    fi
    env $TUNED $java "$model" "$batch" "$seq" 1 "$PROFILE_WARMUP" "${lora[@]}" >/dev/null 2>>"$RESULTS/$name.log" ||
      echo "$name: profiled trainer step failed"
    env $TUNED BENCH_PROFILE="$RESULTS/$name.hf.trace.json" "$PY" "$hf" "$model" "$batch" "$seq" 1 "$PROFILE_WARMUP" 2 \
      "${lora[@]}" --tokens "$tokens" >/dev/null 2>>"$RESULTS/$name.log" || echo "$name: profiled HF step failed"
  fi
  "$PY" trainer-image/bench/summarize.py "$name" "$model" "${rank:+lora}" "$RESULTS/$name" || FAILED=1
}
printf '%-22s %-8s %-6s %10s %9s %6s %9s %15s %14s\n' shape engine malloc "s/step" "tokens/s" ratio "peak MiB" "GFLOP/s (GEMM)" "first loss"
[[ ",$SHAPES," == *",tiny,"* ]] && run_shape tiny-gpt2-8x128 "$FIXTURES/models/tiny-gpt2" 8 128
[[ ",$SHAPES," == *",gpt2,"* ]] && run_shape gpt2-124m-1x256 "$WORK/gpt2-124m" 1 256
[[ ",$SHAPES," == *",lora,"* ]] && run_shape qwen0.5b-lora16-1x512 "$WORK/qwen2.5-0.5b-shape" 1 512 16
# Long sequence: 4 layers, hidden 256, 4 heads (2 key/value heads), full causal attention at 2048.
[[ ",$SHAPES," == *",long,"* ]] && run_shape qwen2-long-1x2048 "$WORK/qwen2-long-shape" 1 2048
# DPO against TRL's DPOTrainer step (both with precomputed reference log-probs): 4 pairs of
# 2 x 128 tokens (a 64-token prompt, 64-token completions).
[[ ",$SHAPES," == *",dpo,"* ]] && BENCH_OBJECTIVE=dpo run_shape dpo-tiny-gpt2-4x2x128 "$FIXTURES/models/tiny-gpt2" 4 128
echo "raw results: $RESULTS"
if [ "$FAILED" != 0 ]; then
  echo "FAILED: a shape's first-step losses disagree beyond 1e-5 or a result is missing (above)" >&2
  exit 1
fi
