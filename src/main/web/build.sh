#!/usr/bin/env bash
# Builds the Control Center for the Maven build (generate-resources): installs the locked npm packages when
# node_modules does not match package-lock.json, then bundles with esbuild into the directory given.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:?usage: build.sh <output directory>}"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[web] The Control Center is built with Node.js and npm, and they are missing here." >&2
  echo "[web] Install them first (Debian/Ubuntu: sudo apt-get install -y nodejs npm), then build again." >&2
  exit 1
fi
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.agent-workspace-lock
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "[web] installing the locked npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock_hash" >"$stamp"
fi
exec node build.mjs "$out"
