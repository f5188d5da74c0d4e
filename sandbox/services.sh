#!/usr/bin/env bash
# Start the production-mode services on loopback for `make test-services` and for
# development: PostgreSQL 15 (Debian's cluster 15/main, role and database "copilot"),
# Redis and a Chroma server (`chroma run` from the chromadb package). Idempotent: a
# service already answering is left running. Needs root (it starts system services)
# and Debian's postgresql and redis-server packages (`.ci/run` installs them).
# Prints the environment that points the copilot at them.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=5432
REDIS_PORT=${REDIS_PORT:-6379}
CHROMA_PORT=${CHROMA_PORT:-8009}
STATE=${SERVICES_DIR:-/tmp/copilot-services}
mkdir -p "$STATE"

# PostgreSQL: the cluster Debian's package created, started without systemd.
if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
  pg_ctlcluster 15 main start
fi
runuser -u postgres -- psql -q -p "$PG_PORT" -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'copilot') THEN
    CREATE ROLE copilot LOGIN CREATEDB PASSWORD 'copilot';
  END IF; END \$\$;" >&2
runuser -u postgres -- psql -qtA -p "$PG_PORT" -c "SELECT 1 FROM pg_database WHERE datname = 'copilot'" \
  | grep -q 1 || runuser -u postgres -- createdb -p "$PG_PORT" -O copilot copilot

# Redis: no persistence (the broker and channel layer hold nothing to keep in tests).
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" \
    --appendonly no --logfile "$STATE/redis.log"
fi

# Chroma server.
heartbeat="http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat"
if ! curl -fs "$heartbeat" >/dev/null 2>&1; then
  nohup .venv/bin/chroma run --host 127.0.0.1 --port "$CHROMA_PORT" --path "$STATE/chroma" \
    >"$STATE/chroma.log" 2>&1 &
  for _ in $(seq 1 60); do
    curl -fs "$heartbeat" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "$heartbeat" >/dev/null || { cat "$STATE/chroma.log" >&2; exit 1; }
fi

cat <<ENV
DATABASE_URL=postgres://copilot:copilot@127.0.0.1:$PG_PORT/copilot
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
CHROMA_HOST=127.0.0.1
CHROMA_PORT=$CHROMA_PORT
ENV
