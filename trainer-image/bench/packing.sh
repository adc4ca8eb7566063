#!/usr/bin/env bash
# Packing against no packing (PackingBenchmark): one epoch of the real training loop over the same
# examples with skewed lengths, both ways, alternating, in one process. Prints real tokens/s and
# the padding fraction of each.
#   trainer-image/bench/packing.sh [MODEL_DIR] [MAX_LENGTH] [BATCH] [EXAMPLES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${1:-${FINETUNE_FIXTURES:-../shared/fixtures}/models/tiny-gpt2}
[ -f trainer-image/target/finetune-trainer.jar ] || ./mvnw -q -B -pl trainer-image -am install -DskipTests
exec env MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 THP_MEM_ALLOC_ENABLE=1 \
  java -Xmx2g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "trainer-image/target/finetune-trainer.jar:trainer-image/target/lib/*" \
  dev.finetune.trainer.bench.PackingBenchmark "$MODEL" "${2:-256}" "${3:-8}" "${4:-400}" "${5:-2}"
