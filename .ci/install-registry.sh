#!/usr/bin/env bash
# Installs a real OCI registry and client for the publish tests into .tools (ignored by git):
#   docker-registry (Debian's distribution 2.8), skopeo (1.9) and htpasswd (apache2-utils),
# fetched with apt-get download and unpacked with dpkg-deb: nothing is installed system-wide and
# no service is started. skopeo and htpasswd need shared libraries the base system lacks
# (libgpgme11 + libassuan0; libapr1 + libaprutil1): they are unpacked beside them under
# .tools/registry/ and .tools/bin holds small wrappers that set LD_LIBRARY_PATH.
# Safe to run again: tools already present are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
BIN="$TOOLS/bin"
ROOT="$TOOLS/registry"
mkdir -p "$BIN"

if [[ ! -x "$BIN/docker-registry" || ! -x "$BIN/skopeo" || ! -x "$BIN/htpasswd" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  packages=(docker-registry skopeo libgpgme11 libassuan0 apache2-utils libapr1 libaprutil1)
  if ! (cd "$work" && apt-get download "${packages[@]}" >/dev/null 2>&1); then
    apt-get update -qq >/dev/null
    (cd "$work" && apt-get download "${packages[@]}" >/dev/null)
  fi
  rm -rf "$ROOT"
  mkdir -p "$ROOT"
  for deb in "$work"/*.deb; do
    dpkg-deb -x "$deb" "$ROOT"
  done
  for tool in docker-registry skopeo htpasswd; do
    cat >"$BIN/$tool" <<EOF
#!/bin/sh
root="\$(cd "\$(dirname "\$0")/../registry" && pwd)"
LD_LIBRARY_PATH="\$root/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "\$root/usr/bin/$tool" "\$@"
EOF
    chmod 0755 "$BIN/$tool"
  done
fi

# No "| head": under pipefail a tool killed by SIGPIPE would fail the script.
"$BIN/docker-registry" --version
"$BIN/skopeo" --version
"$BIN/htpasswd" -nbB probe probe >/dev/null && echo "htpasswd (apache2-utils): bcrypt ok"
