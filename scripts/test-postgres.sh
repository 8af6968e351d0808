#!/usr/bin/env bash
# Runs the whole test suite against a real, throwaway PostgreSQL cluster.
# Installs the Debian postgresql package if it is missing, starts a cluster as the `postgres`
# user on a free loopback port (PostgreSQL refuses to run as root), runs
# `cargo test --workspace` with FRONTDESK_TEST_BACKEND=postgres, and stops the cluster.
# Usage: scripts/test-postgres.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

if ! PGBIN=$(pg_bin); then
  echo "== installing postgresql (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(pg_bin)
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
WORK=$(mktemp -d /tmp/frontdesk-pg.XXXXXX)
chmod 755 "$WORK"

as_pg() {
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$WORK"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== starting a throwaway PostgreSQL ($("$PGBIN/postgres" --version)) on 127.0.0.1:$PORT"
as_pg "$PGBIN/initdb" -A trust -U postgres --no-sync -D "$WORK/data" >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/pg.log" -w -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB" start >/dev/null

export FRONTDESK_TEST_BACKEND=postgres
export FRONTDESK_TEST_PG_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "== cargo test --workspace on PostgreSQL"
cargo test --workspace "$@"
