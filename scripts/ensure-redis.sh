#!/usr/bin/env bash
# Starts a local redis-server when nothing answers at REDIS_URL's default address.
# Remote REDIS_URLs are left alone: they are someone else's to run.
set -euo pipefail
url="${REDIS_URL:-redis://127.0.0.1:6379}"
if redis-cli -u "$url" ping >/dev/null 2>&1; then exit 0; fi
case "$url" in
  redis://127.0.0.1:6379* | redis://localhost:6379*) ;;
  *) echo "Redis at $url does not answer; start it or fix REDIS_URL." >&2; exit 1 ;;
esac
if ! command -v redis-server >/dev/null 2>&1; then
  echo "No Redis at $url and no redis-server installed (Debian: apt-get install redis-server)." >&2
  exit 1
fi
echo "Starting redis-server on 127.0.0.1:6379" >&2
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && exit 0; sleep 0.1; done
echo "redis-server did not answer after starting" >&2
exit 1
