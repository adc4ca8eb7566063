#!/usr/bin/env bash
# Builds the operator and trainer images where a Docker (or compatible) engine exists.
#   deploy/build-images.sh [TAG]          TAG defaults to 0.1.0
# Environment: REGISTRY (default ghcr.io/finetune-operator), DOCKER (default docker), PUSH=1 to push.
set -euo pipefail
cd "$(dirname "$0")/.."
TAG="${1:-0.1.0}"
REGISTRY="${REGISTRY:-ghcr.io/finetune-operator}"
DOCKER="${DOCKER:-docker}"
command -v "$DOCKER" >/dev/null || { echo "build-images: $DOCKER not found" >&2; exit 1; }

"$DOCKER" build -f operator/Dockerfile -t "$REGISTRY/operator:$TAG" .
"$DOCKER" build -f trainer-image/Dockerfile --target gpu -t "$REGISTRY/trainer:$TAG" .
"$DOCKER" build -f trainer-image/Dockerfile --target cpu -t "$REGISTRY/trainer:$TAG-cpu" .

if [[ "${PUSH:-0}" == 1 ]]; then
  for image in "operator:$TAG" "trainer:$TAG" "trainer:$TAG-cpu"; do
    "$DOCKER" push "$REGISTRY/$image"
  done
fi
