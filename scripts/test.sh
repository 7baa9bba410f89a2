#!/usr/bin/env bash
# Every test: typecheck, ESLint + Prettier check, unit + integration (real PostgreSQL, ffmpeg, pocketsphinx), then the browser
# end-to-end suite against a production build of the whole stack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-deps.sh
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .data/e2e
echo "== typecheck"
npm run -s typecheck
echo "== lint and format"
npm run -s lint
npm run -s format:check
# Built before the unit tests: test/compose-rehearsal.test.ts serves this build as the web image would.
echo "== build"
node_modules/.bin/next build > .data/next-build.log 2>&1 || { tail -50 .data/next-build.log; exit 1; }
echo "== unit and integration tests"
rm -f .data/vitest.json .data/e2e/results.json
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.data/vitest.json
node scripts/test-summary.mjs --check
echo "== end-to-end (Playwright + Chromium)"
node_modules/.bin/playwright test
node scripts/test-summary.mjs
