#!/usr/bin/env bash
# The one command that starts the whole product on embedded defaults:
# system tools → npm deps → PostgreSQL → migrations → web + job runner + recorder → demo stream.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIPSTREAM_SKIP_BROWSER=1 bash scripts/ensure-system.sh
bash scripts/ensure-deps.sh
exec node_modules/.bin/tsx scripts/stack.ts "$@"
