#!/usr/bin/env bash
# The scale benchmark: N FineTuneJobs (default 1000) against local mode's embedded API with the
# operator running, then the floor (the same objects created directly, no operator), in one JVM:
# a small warm-up of both, then ROUNDS (default 3) alternating rounds, medians reported.
#   local/bench/run.sh [N] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B install -DskipTests -pl local -am
exec java -Xmx2g -cp local/target/finetune-local.jar dev.finetune.local.bench.ScaleBenchmark "${1:-1000}" "${2:-3}"
