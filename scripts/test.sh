#!/usr/bin/env bash
# The one test command (README, CI): installs, prepares services, builds, runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-redis.sh
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "test: starting Postgres" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
bash scripts/ensure-pgvector.sh
npm run build --silent
npm run lint --silent
npx vitest run "$@"
