#!/usr/bin/env bash
# The one test command (README, CI): installs, prepares services, builds, runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
if ! redis-cli -u "${REDIS_URL:-redis://127.0.0.1:6379}" ping >/dev/null 2>&1; then
  echo "test: starting redis-server" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "test: starting Postgres" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
bash scripts/ensure-pgvector.sh
npm run build --silent
npx vitest run "$@"
