#!/usr/bin/env bash
# The operator's scale benchmark. It needs an API server, so it lives in the local module (which
# embeds one); this is the same command: N FineTuneJobs (default 1000), ROUNDS alternating rounds.
#   operator/bench/run.sh [N] [ROUNDS]
set -euo pipefail
exec "$(dirname "$0")/../../local/bench/run.sh" "$@"
