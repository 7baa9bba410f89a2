#!/usr/bin/env bash
# Builds the app with sentinel secret values and checks none of them reaches browser-visible output.
set -euo pipefail
export BETTER_AUTH_SECRET="sentinel-auth-secret-$RANDOM$RANDOM"
export RECORDER_SECRET="sentinel-recorder-secret-$RANDOM$RANDOM"
export GROQ_API_KEY="gsk_sentinel$RANDOM$RANDOM$RANDOM"
export BLOB_READ_WRITE_TOKEN="vercel_blob_rw_sentinel_$RANDOM$RANDOM"
export INNGEST_SIGNING_KEY="signkey-prod-sentinel$RANDOM$RANDOM"
export INNGEST_EVENT_KEY="eventkey-sentinel$RANDOM$RANDOM"
npx next build
npx tsx scripts/check-client-bundle.ts .next
