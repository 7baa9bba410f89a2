#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies…"
  # `npm ci` rejects the lockfiles this npm writes (optional packages for other platforms are left out),
  # so install from package.json + lockfile with `npm install`, which keeps the locked versions.
  npm install --no-audit --no-fund
fi
