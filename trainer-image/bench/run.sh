#!/usr/bin/env bash
# Trainer benchmark: DJL training steps against PyTorch eager on the same shapes, alternating the
# two in one run (these machines are shared and noisy), then the memory of a 500-step tiny run.
# Usage: trainer-image/bench/run.sh [ROUNDS]
# Needs Debian's python3-torch and an optimised BLAS for it (libopenblas0-pthread): installed if
# missing. Without OpenBLAS, Debian's torch runs on the reference BLAS and is ~6x slower.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
FIXTURES=${FINETUNE_FIXTURES:-../shared/fixtures}
PY=/usr/bin/python3
if ! $PY -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0-pthread
fi
[ -f trainer-image/target/finetune-trainer.jar ] || ./mvnw -q -B -pl trainer-image -am package -DskipTests
CP="trainer-image/target/finetune-trainer.jar:trainer-image/target/lib/*"
JAVA="java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp $CP dev.finetune.trainer.bench.TrainBenchmark"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
$JAVA --make-gpt2 "$WORK/gpt2-small" 12 768 12

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), torch $($PY -c 'import torch; print(torch.__version__)')"
for shape in "$FIXTURES/models/tiny-gpt2 8 128 10" "$WORK/gpt2-small 1 256 5"; do
  set -- $shape
  for round in $(seq "$ROUNDS"); do
    $JAVA "$1" "$2" "$3" "$4" 2 >> "$WORK/djl-$2x$3.jsonl" 2>/dev/null
    $PY trainer-image/bench/torch_train.py "$1" "$2" "$3" "$4" 2 2 >> "$WORK/torch-$2x$3.jsonl"
  done
  $PY - "$WORK/djl-$2x$3.jsonl" "$WORK/torch-$2x$3.jsonl" "$(basename "$1")" <<'PY'
import json, statistics, sys
djl = [json.loads(l) for l in open(sys.argv[1])]
torch = [json.loads(l) for l in open(sys.argv[2])]
d = statistics.median(r["median_step_s"] for r in djl)
t = statistics.median(r["median_step_s"] for r in torch)
b, s = djl[0]["batch"], djl[0]["seq"]
print(f"{sys.argv[3]} batch {b}x{s}: DJL {d:.3f} s/step ({b*s/d:.0f} tok/s), "
      f"PyTorch {t:.3f} s/step ({b*s/t:.0f} tok/s), DJL/PyTorch time ratio {d/t:.2f} "
      f"(medians of {len(djl)} alternating rounds)")
PY
done
# Memory: the Java heap is fixed and touched up front, so what still grows is native memory.
JAVA_FIXED_HEAP="java -Xms192m -Xmx192m -XX:+AlwaysPreTouch ${JAVA#java }"
$JAVA_FIXED_HEAP "$FIXTURES/models/tiny-gpt2" 2 64 500 20 2>/dev/null > "$WORK/rss.json"
$PY - "$WORK/rss.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
mib = lambda v: round(v / 1024)
samples = [mib(v) for v in r["rss_samples_kib"]]
print(f"tiny-gpt2 500 steps (batch 2x64, heap fixed at 192 MiB): RSS every {500 // len(samples)} steps "
      f"{samples} MiB, peak {mib(r['rss_peak_kib'])} MiB, median step {r['median_step_s']*1000:.0f} ms")
PY
