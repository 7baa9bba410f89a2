#!/usr/bin/env bash
# `prisma generate` needs no schema engine, but Prisma 7's CLI insists on resolving one at start
# and would download it (offline here). Any executable satisfies the check.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/true}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec npx --no-install prisma generate
