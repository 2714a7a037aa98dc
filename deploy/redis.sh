#!/usr/bin/env bash
# Start (or stop) the Redis server that task-queue workers share when they scale out (`registry worker`),
# and that the queue tests use.
#
# Usage: deploy/redis.sh [start|stop|status|url]
#
#   start (default)  Install Debian's redis-server if it is missing, then run one on the first free
#                    loopback port from $REDIS_PORT (6390), its data under .services/redis/.
#                    Idempotent; prints the URL (redis://127.0.0.1:PORT/0) as its last line.
#   stop             Stop it (no-op when it is not running).
#
# Must run as root to install the package (as on the developer machines and CI, Debian 12).
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_DIR
readonly STATE_DIR="${REGISTRY_SERVICES_DIR:-$REPO_DIR/.services}/redis"
readonly PID_FILE="$STATE_DIR/pid"
readonly URL_FILE="$STATE_DIR/url"
readonly LOG_FILE="$STATE_DIR/server.log"
readonly LOCK_FILE="$STATE_DIR/lock"
readonly FIRST_PORT="${REDIS_PORT:-6390}"
readonly START_TIMEOUT=30
readonly STOP_TIMEOUT=10

log() { echo "redis.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ensure_installed() {
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
    [[ $EUID -eq 0 ]] || die "redis-server is not installed and this is not root"
    log "installing redis-server from apt (first run on this machine)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
}

running_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(<"$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server || return 1
    echo "$pid"
}

answers() {
    [[ "$1" =~ :([0-9]+)/ ]] || return 1
    [[ "$(redis-cli -h 127.0.0.1 -p "${BASH_REMATCH[1]}" ping 2>/dev/null)" == PONG ]]
}

choose_port() {
    local port
    for ((port = FIRST_PORT; port < FIRST_PORT + 100; port++)); do
        if ! port_in_use "$port"; then
            PORT=$port
            return 0
        fi
    done
    die "no free port from $FIRST_PORT to $((FIRST_PORT + 99))"
}

cmd_start() {
    lock_state
    local pid url deadline
    if pid="$(running_pid)"; then
        url="$(recorded_url || true)"
        if [[ -n "$url" ]] && answers "$url"; then
            log "Redis $pid already running at $url"
            echo "$url"
            return 0
        fi
        stop_service || true
    fi
    ensure_installed
    choose_port
    url="redis://127.0.0.1:$PORT/0"
    # In the foreground of its own session (setsid), so that stop ends it; no snapshots to disk: the
    # queue's tasks are re-made from the database's state (docs/operators/jobs.md), so a restart loses nothing.
    setsid nohup redis-server --bind 127.0.0.1 --port "$PORT" --dir "$STATE_DIR" --save "" --appendonly no \
        --daemonize no </dev/null >"$LOG_FILE" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
    deadline=$((SECONDS + START_TIMEOUT))
    until answers "$url"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            print_log_tail
            rm -f "$PID_FILE"
            die "Redis exited during start-up"
        fi
        ((SECONDS < deadline)) || { print_log_tail; stop_service || true; die "Redis did not answer in ${START_TIMEOUT} s"; }
        sleep 0.2
    done
    echo "$url" >"$URL_FILE"
    log "Redis is up at $url (pid $pid, log $LOG_FILE)"
    echo "$url"
}

. "$(dirname "${BASH_SOURCE[0]}")/service-commands.sh"
run_command "$@"
