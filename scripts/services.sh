#!/usr/bin/env bash
# Throwaway local servers for development and benchmarks, on free loopback ports. Prints the
# DATABASE_URL / REDIS_URL to use and writes them to .services/env in the checkout (source it).
#   scripts/services.sh start [postgres] [redis] [cluster]   (default: postgres redis)
#   scripts/services.sh stop | status
#
# The servers' data, logs, pid files and sockets live outside the checkout, in
# ${TMPDIR:-/tmp}/authbench-services-<hash of the checkout path>/ (AUTHBENCH_SERVICES_DIR
# overrides it), the way packages/*/src/testing/postgres-server.ts does it for the test suites:
# a checkout may sit in a directory only its owner can enter (mktemp -d, a 0700 home), which
# the `postgres` user that PostgreSQL runs as (as root) could not reach.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CHECKOUT="$PWD"
ENV_DIR="$CHECKOUT/.services"
ENV_FILE="$ENV_DIR/env"
# Where `start` put the data, so that `stop` and `status` find it whatever TMPDIR is then.
STATE_POINTER="$ENV_DIR/state-dir"
PG_BIN="${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}"
# Generous: a loaded machine (a parallel build, a benchmark) starts servers slowly.
WAIT_SECONDS="${AUTHBENCH_SERVICES_WAIT:-30}"

default_state_dir() {
  local hash
  hash=$(printf '%s' "$CHECKOUT" | sha256sum | cut -c1-12)
  echo "${AUTHBENCH_SERVICES_DIR:-${TMPDIR:-/tmp}/authbench-services-$hash}"
}
if [ -f "$STATE_POINTER" ]; then STATE=$(cat "$STATE_POINTER"); else STATE=$(default_state_dir); fi

as_root() { [ "$(id -u)" -eq 0 ]; }
# From /: the checkout (the current directory) may be one the postgres user cannot enter.
as_postgres() { if as_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
record() {
  mkdir -p "$ENV_DIR"
  grep -v "^export $1=" "$ENV_FILE" 2>/dev/null > "$ENV_FILE.tmp" || true
  echo "export $1=$2" >> "$ENV_FILE.tmp"; mv "$ENV_FILE.tmp" "$ENV_FILE"; echo "$1=$2"
}

# The state directory: ours (not a symlink or someone else's directory planted under a shared
# /tmp with the name we would pick), 0711 so that the postgres user can pass through it to its
# own 0700 subdirectory and no one else can list it.
ensure_state_dir() {
  case "$STATE" in /*) ;; *) echo "the services directory must be an absolute path: $STATE" >&2; exit 1 ;; esac
  if [ ! -e "$STATE" ] && [ ! -L "$STATE" ]; then mkdir -p "$(dirname "$STATE")"; mkdir -m 0711 "$STATE"; fi
  if [ -L "$STATE" ] || [ ! -d "$STATE" ] || [ ! -O "$STATE" ]; then
    echo "$STATE exists but is not a directory of $(id -un); remove it or set AUTHBENCH_SERVICES_DIR" >&2
    exit 1
  fi
  chmod 0711 "$STATE"
  mkdir -p "$ENV_DIR"; echo "$STATE" > "$STATE_POINTER"
}

# A private 0700 directory for one server, owned by the user it runs as.
server_dir() {
  local dir="$STATE/$1" owner="${2:-}"
  mkdir -p "$dir"; chmod 0700 "$dir"
  if [ -n "$owner" ] && as_root; then chown "$owner:$owner" "$dir"; fi
  echo "$dir"
}

wait_redis() {
  local tries=$((WAIT_SECONDS * 10))
  for _ in $(seq 1 "$tries"); do redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done
  echo "redis on port $1 did not answer PING within ${WAIT_SECONDS}s (see $2)" >&2; return 1
}

pg_running() { [ -d "$1/data" ] && as_postgres "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

start_postgres() {
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL binaries not found in $PG_BIN (apt-get install postgresql-15)" >&2; exit 1; }
  local dir port attempt
  dir=$(server_dir postgres postgres)
  if as_root && ! as_postgres test -w "$dir"; then
    echo "the postgres user cannot reach $dir (is an ancestor 0700?); set AUTHBENCH_SERVICES_DIR" >&2; exit 1
  fi
  if [ -f "$dir/port" ] && pg_running "$dir"; then
    port=$(cat "$dir/port")
  else
    [ -d "$dir/data" ] ||
      as_postgres "$PG_BIN/initdb" -D "$dir/data" -U authbench --auth=trust -E UTF8 --no-sync >/dev/null
    # The free port was free a moment ago; if something took it since, take another.
    for attempt in 1 2 3; do
      port=$(free_port)
      # The socket goes in the server's own directory too, as the test suites' servers do.
      if as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -w -t "$((WAIT_SECONDS * 2))" -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null; then
        break
      fi
      [ "$attempt" -eq 3 ] && { echo "PostgreSQL did not start; see $dir/server.log" >&2; exit 1; }
    done
    echo "$port" > "$dir/port"
  fi
  record DATABASE_URL "postgres://authbench@127.0.0.1:$port/postgres"
}

# Starts one redis-server (daemonized) in $1 on a free port, retrying if the port was taken.
spawn_redis() {
  local dir="$1" port attempt; shift
  for attempt in 1 2 3; do
    port=$(free_port)
    if redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" "$@" >/dev/null && wait_redis "$port" "$dir/redis.log"; then
      echo "$port"; return 0
    fi
    stop_pidfile "$dir/redis.pid"
    [ "$attempt" -eq 3 ] && return 1
  done
}

need_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
    { echo "redis-server / redis-cli not found (apt-get install redis-server)" >&2; exit 1; }
}

start_redis() {
  local dir port
  need_redis
  dir=$(server_dir redis)
  if [ -f "$dir/port" ] && redis-cli -p "$(cat "$dir/port")" PING 2>/dev/null | grep -q PONG; then
    port=$(cat "$dir/port")
  else
    stop_pidfile "$dir/redis.pid"
    port=$(spawn_redis "$dir")
    echo "$port" > "$dir/port"
  fi
  record REDIS_URL "redis://127.0.0.1:$port"
}

start_cluster() {
  local dir ports=() nodes=()
  need_redis
  dir=$(server_dir cluster)
  if [ -f "$dir/ports" ]; then read -r -a ports < "$dir/ports"; fi
  if [ ${#ports[@]} -eq 3 ] && redis-cli -p "${ports[0]}" CLUSTER INFO 2>/dev/null | grep -q 'cluster_state:ok'; then
    :
  else
    stop_cluster "$dir"
    ports=()
    local i port
    for i in 0 1 2; do
      mkdir -p "$dir/$i"
      port=$(spawn_redis "$dir/$i" --cluster-enabled yes --cluster-config-file "$dir/$i/nodes.conf")
      ports+=("$port")
    done
    for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
    # Every node, not just the first: the others learn the slot map by gossip a moment later.
    local ok=''
    for _ in $(seq 1 $((WAIT_SECONDS * 10))); do
      ok=1
      for port in "${ports[@]}"; do
        redis-cli -p "$port" CLUSTER INFO 2>/dev/null | grep -q 'cluster_state:ok' || { ok=''; break; }
      done
      [ -n "$ok" ] && break
      sleep 0.1
    done
    [ -n "$ok" ] || { echo "the Redis Cluster did not reach cluster_state:ok within ${WAIT_SECONDS}s" >&2; exit 1; }
    echo "${ports[*]}" > "$dir/ports"
  fi
  local seeds; seeds=$(printf '127.0.0.1:%s,' "${ports[@]}"); seeds=${seeds%,}
  record REDIS_CLUSTER_URL "redis+cluster://$seeds"
}

# Stops the process of a pid file and waits for it to go, so that its directory can be removed.
stop_pidfile() {
  local pid
  [ -f "$1" ] || return 0
  pid=$(cat "$1")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 $((WAIT_SECONDS * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

stop_cluster() { local pidfile; for pidfile in "$1"/*/redis.pid; do stop_pidfile "$pidfile"; done; rm -rf "${1:?}"/*/; }

stop_postgres() {
  if pg_running "$1"; then as_postgres "$PG_BIN/pg_ctl" -D "$1/data" -w -m fast stop >/dev/null 2>&1 || true; fi
}

# $1: a state directory (the current one, or the checkout's .services of the old layout).
stop_in() {
  [ -d "$1" ] || return 0
  stop_postgres "$1/postgres"
  stop_pidfile "$1/redis/redis.pid"
  local pidfile
  for pidfile in "$1"/cluster/*/redis.pid; do stop_pidfile "$pidfile"; done
}

stop_all() {
  stop_in "$STATE"
  # Servers started by an older services.sh kept everything under .services/ in the checkout.
  stop_in "$ENV_DIR"
  if [ -d "$STATE" ] && [ -O "$STATE" ] && [ ! -L "$STATE" ]; then rm -rf "$STATE"; fi
  rm -rf "$ENV_DIR"
  echo "services stopped"
}

show_status() {
  if [ ! -f "$ENV_FILE" ]; then echo "no services running"; return 0; fi
  cat "$ENV_FILE"
  echo "# data: $STATE"
  local ports=()
  if [ -f "$STATE/postgres/port" ]; then
    pg_running "$STATE/postgres" && echo "# postgres: up on port $(cat "$STATE/postgres/port")" || echo "# postgres: DOWN"
  fi
  if [ -f "$STATE/redis/port" ]; then
    redis-cli -p "$(cat "$STATE/redis/port")" PING 2>/dev/null | grep -q PONG &&
      echo "# redis: up on port $(cat "$STATE/redis/port")" || echo "# redis: DOWN"
  fi
  if [ -f "$STATE/cluster/ports" ]; then
    read -r -a ports < "$STATE/cluster/ports"
    redis-cli -p "${ports[0]}" CLUSTER INFO 2>/dev/null | grep -q 'cluster_state:ok' &&
      echo "# cluster: ok on ports ${ports[*]}" || echo "# cluster: DOWN"
  fi
}

case "${1:-}" in
  start)
    shift; targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(postgres redis)
    for target in "${targets[@]}"; do
      case "$target" in postgres | redis | cluster) ;;
        *) echo "unknown service: $target (postgres, redis, cluster)" >&2; exit 2 ;;
      esac
    done
    ensure_state_dir
    for target in "${targets[@]}"; do "start_$target"; done
    echo "# source $ENV_FILE to use them" ;;
  stop) stop_all ;;
  status) show_status ;;
  *) echo "usage: scripts/services.sh start [postgres] [redis] [cluster] | stop | status" >&2; exit 2 ;;
esac
