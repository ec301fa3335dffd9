#!/usr/bin/env bash
# Throwaway local servers for development and benchmarks, on free loopback ports, data under
# ./.services (git-ignored). Prints the DATABASE_URL / REDIS_URL to use and writes them to
# .services/env (source it).
#   scripts/services.sh start [postgres] [redis] [cluster]   (default: postgres redis)
#   scripts/services.sh stop | status
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD/.services"
PG_BIN="${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}"
ENV_FILE="$ROOT/env"

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
record() { mkdir -p "$ROOT"; grep -v "^export $1=" "$ENV_FILE" 2>/dev/null > "$ENV_FILE.tmp" || true; echo "export $1=$2" >> "$ENV_FILE.tmp"; mv "$ENV_FILE.tmp" "$ENV_FILE"; echo "$1=$2"; }

wait_redis() {
  for _ in $(seq 1 100); do redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done
  echo "redis on port $1 did not start" >&2; return 1
}

start_postgres() {
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL binaries not found in $PG_BIN (apt-get install postgresql-15)" >&2; exit 1; }
  local dir="$ROOT/postgres" port
  if [ -f "$dir/port" ] && as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    port=$(cat "$dir/port")
  else
    port=$(free_port)
    mkdir -p "$dir"; chmod 755 "$ROOT" "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    [ -d "$dir/data" ] || as_postgres "$PG_BIN/initdb" -D "$dir/data" -U authbench --auth=trust -E UTF8 >/dev/null
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    echo "$port" > "$dir/port"
  fi
  record DATABASE_URL "postgres://authbench@127.0.0.1:$port/postgres"
}

start_redis() {
  local dir="$ROOT/redis" port
  mkdir -p "$dir"
  if [ -f "$dir/port" ] && redis-cli -p "$(cat "$dir/port")" PING 2>/dev/null | grep -q PONG; then
    port=$(cat "$dir/port")
  else
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
    wait_redis "$port"; echo "$port" > "$dir/port"
  fi
  record REDIS_URL "redis://127.0.0.1:$port"
}

start_cluster() {
  local dir="$ROOT/cluster" ports=() nodes=()
  mkdir -p "$dir"
  if [ -f "$dir/ports" ]; then read -r -a ports < "$dir/ports"; fi
  if [ ${#ports[@]} -eq 3 ] && redis-cli -p "${ports[0]}" CLUSTER INFO 2>/dev/null | grep -q 'cluster_state:ok'; then
    :
  else
    ports=()
    for i in 0 1 2; do
      local port; port=$(free_port); ports+=("$port"); mkdir -p "$dir/$i"
      redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$i/nodes.conf" \
        --save '' --appendonly no --daemonize yes --pidfile "$dir/$i/redis.pid" --logfile "$dir/$i/redis.log" --dir "$dir/$i"
      wait_redis "$port"
    done
    for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
    for _ in $(seq 1 100); do redis-cli -p "${ports[0]}" CLUSTER INFO | grep -q 'cluster_state:ok' && break; sleep 0.1; done
    echo "${ports[*]}" > "$dir/ports"
  fi
  local seeds; seeds=$(printf '127.0.0.1:%s,' "${ports[@]}"); seeds=${seeds%,}
  record REDIS_CLUSTER_URL "redis+cluster://$seeds"
}

stop_all() {
  if [ -f "$ROOT/postgres/port" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$ROOT/postgres/data" -w -m fast stop >/dev/null 2>&1 || true
  fi
  for pidfile in "$ROOT"/redis/redis.pid "$ROOT"/cluster/*/redis.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$ROOT"
  echo "services stopped"
}

case "${1:-}" in
  start)
    shift; targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(postgres redis)
    for target in "${targets[@]}"; do
      case "$target" in
        postgres) start_postgres ;; redis) start_redis ;; cluster) start_cluster ;;
        *) echo "unknown service: $target (postgres, redis, cluster)" >&2; exit 2 ;;
      esac
    done
    echo "# source $ENV_FILE to use them" ;;
  stop) stop_all ;;
  status) [ -f "$ENV_FILE" ] && cat "$ENV_FILE" || echo "no services running" ;;
  *) echo "usage: scripts/services.sh start [postgres] [redis] [cluster] | stop | status" >&2; exit 2 ;;
esac
