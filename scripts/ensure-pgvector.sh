#!/usr/bin/env bash
# Builds pgvector for the local native Postgres when the `vector` extension is missing.
# Debian bookworm ships no pgvector package, but trixie's source package builds against
# bookworm's server headers. The trixie source list stays private to this script so the
# system's apt sources are never touched.
set -euo pipefail

PGHOST_URL="${FENNEL_TEST_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

has_vector() {
  psql "$PGHOST_URL" -tAc "select 1 from pg_available_extensions where name = 'vector'" 2>/dev/null | grep -q 1
}

if has_vector; then
  exit 0
fi

pg_major=$(psql "$PGHOST_URL" -tAc "show server_version_num" | cut -c1-2)
echo "pgvector: not available on Postgres $pg_major; building it from Debian's source package" >&2

work=$(mktemp -d /tmp/fennel-pgvector.XXXXXX)
log="$work/build.log"
# Quiet on success; the whole log on failure.
trap 'status=$?; if [ $status -ne 0 ]; then cat "$log" >&2; echo "pgvector: build failed (exit $status)" >&2; fi; rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
echo "deb-src http://deb.debian.org/debian trixie main" > "$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives")

apt-get "${apt_opts[@]}" -qq update >>"$log" 2>&1
if ! dpkg -s "postgresql-server-dev-$pg_major" >/dev/null 2>&1; then
  apt-get -qq update >>"$log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$pg_major" >>"$log" 2>&1
fi
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only pgvector) >>"$log" 2>&1
tar -xf "$work"/pgvector_*.orig.tar.* -C "$work"
src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -1)
make -s -C "$src" PG_CONFIG="/usr/lib/postgresql/$pg_major/bin/pg_config" >>"$log" 2>&1
make -s -C "$src" PG_CONFIG="/usr/lib/postgresql/$pg_major/bin/pg_config" install >>"$log" 2>&1

if ! has_vector; then
  echo "pgvector: build finished but Postgres still does not list the extension" >&2
  exit 1
fi
echo "pgvector: installed" >&2
