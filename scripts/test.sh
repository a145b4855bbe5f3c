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
# The PDF fixtures are written with a CJK font from Debian's fonts packages.
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then
  echo "test: installing fonts-wqy-zenhei for the Chinese PDF fixtures" >&2
  (apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei) >/dev/null 2>&1 ||
    echo "test: could not install fonts-wqy-zenhei; the Chinese PDF fixture test will fail" >&2
fi
# The shared corpus and evaluation data live next to the repository (../shared). A clone made
# elsewhere (git clone . /tmp/check) finds them next to the repository it was cloned from.
if [ -z "${FENNEL_SHARED_DIR:-}" ]; then
  origin="$(git remote get-url origin 2>/dev/null || true)"
  for candidate in ../shared "${origin%/}/../shared"; do
    if [ -d "$candidate/corpus" ]; then
      FENNEL_SHARED_DIR="$(cd "$candidate" && pwd)"
      export FENNEL_SHARED_DIR
      break
    fi
  done
fi
npm run build --silent
npm run lint --silent
npx vitest run "$@"
