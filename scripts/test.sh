#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it: lint and format, types, unit and integration
# tests on the embedded PostgreSQL, the integration tests again on Debian's PostgreSQL 15 when
# it is installed, and the end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format and lint (biome)"
npx biome check .

step "types (tsc)"
npx tsc --noEmit

step "structure: no import cycle (madge), no unused file or dependency (knip)"
npx madge --circular --no-spinner src
npx knip --include files,dependencies,unlisted --no-progress

step "unit and integration tests on the embedded PostgreSQL"
npx vitest run

PG15=/usr/lib/postgresql/15/bin
if [ -x "$PG15/pg_ctl" ] && [ "${PEACETALKS_SKIP_PG15:-}" != "1" ]; then
  step "integration tests on Debian's PostgreSQL 15"
  bash scripts/with-pg15.sh npx vitest run
else
  echo "Debian's PostgreSQL 15 is not installed: that pass is not run here."
fi

step "end-to-end tests in Chromium"
npx vitest run --config vitest.e2e.config.ts
