#!/usr/bin/env bash
# Run a command against a throwaway Debian PostgreSQL 15 cluster on a free loopback port:
# PEACETALKS_TEST_DATABASE_URL points at it; the cluster is removed afterwards.
set -euo pipefail
PG15=/usr/lib/postgresql/15/bin
DIR=$(mktemp -d /tmp/pt-pg15-XXXXXX)
PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
AS=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin postgres
  chown postgres "$DIR"
  AS=(runuser -u postgres --)
fi
"${AS[@]}" "$PG15/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PG15/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c fsync=off" start >/dev/null
cleanup() { "${AS[@]}" "$PG15/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
export PEACETALKS_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
"$@"
