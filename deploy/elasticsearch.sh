#!/usr/bin/env bash
# Start (or stop) a single-node Elasticsearch 8 or 9 for the search contract tests, without Docker.
#
# Usage: deploy/elasticsearch.sh [start|stop|status|url] [VERSION]
#
#   VERSION  an exact version (8.19.21, 9.5.3) or a major (8, 9: the versions below); default 9.
#
# The engine is Elastic's own minimal distribution as Maven Central serves it
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:VERSION:zip). That zip lacks the
# analysis-common, mapper-extras and rest-root modules of the full distribution, so this script
# builds, with javac against the distribution's own jars, the small plugin in deploy/es-plugin/:
# it registers the tokenizers and token filters our mappings use (keyword, ngram, lowercase,
# cjk_width, cjk_bigram, edge_ngram) by wrapping the Lucene classes the distribution ships, and
# answers GET / and HEAD / with the node's real version and build. Everything else is Elastic's.
#
# The node runs as the unprivileged system user `registry-es` (created here; Elasticsearch refuses
# root), 8.x on Java 17, 9.x on the newest JDK 21+ under /usr/lib/jvm (Temurin 25 on this machine),
# with security off, one shard copy and a small heap, on 127.0.0.1 only.
#
# Environment:
#   REGISTRY_SERVICES_DIR         state root (default <repo>/.services, or a folder under /var/tmp
#                                 when a parent folder keeps others out); this script keeps each
#                                 version in elasticsearch/VERSION/: home/ (the unpacked zip with
#                                 the plugin), config/, data/, logs/, pid, url
#   ELASTICSEARCH_HEAP            JVM heap (default 384m)
#   ELASTICSEARCH_START_TIMEOUT   seconds to wait for the node (default 180)
#
# Ports: HTTP 9480 for 8.x and 9490 for 9.x, transport HTTP + 100 (not OpenSearch's 9251/9351).
# Everything but the URL goes to stderr; the last stdout line of `start` is http://127.0.0.1:PORT.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_DIR
readonly PLUGIN_SRC="$REPO_DIR/deploy/es-plugin"
readonly PLUGIN_NAME=registry-analysis
readonly RUN_USER=registry-es
readonly STOP_TIMEOUT=30
readonly START_TIMEOUT="${ELASTICSEARCH_START_TIMEOUT:-180}"
readonly HEAP="${ELASTICSEARCH_HEAP:-384m}"

case "${2:-9}" in
    8) VERSION=8.19.21 ;;
    9) VERSION=9.5.3 ;;
    [89].*.*) VERSION=$2 ;;
    *) echo "elasticsearch.sh: VERSION must be 8, 9 or an exact 8.x/9.x version" >&2; exit 2 ;;
esac
readonly VERSION MAJOR=${VERSION%%.*}
readonly HTTP_PORT=$((9400 + MAJOR * 10)) TRANSPORT_OFFSET=100
# True when every folder from / down to $1 lets others through (the node's user must reach its files).
world_traversable() {
    local path=$1
    while [[ -n "$path" && "$path" != / ]]; do
        if [[ -e "$path" ]] && ! (( 8#$(stat -c %a "$path") & 1 )); then
            return 1
        fi
        path="${path%/*}"
    done
}
SERVICES_ROOT="${REGISTRY_SERVICES_DIR:-$REPO_DIR/.services}"
if ! world_traversable "$SERVICES_ROOT"; then
    # A checkout under a private folder (such as /root): keep the node's files where its user can read.
    SERVICES_ROOT="/var/tmp/credit-registry-services-$(printf %s "$REPO_DIR" | md5sum | cut -c1-12)"
fi
readonly STATE_DIR="$SERVICES_ROOT/elasticsearch/$VERSION"
readonly HOME_DIR="$STATE_DIR/home" CONF_DIR="$STATE_DIR/config" DATA_DIR="$STATE_DIR/data"
readonly PID_FILE="$STATE_DIR/pid" URL_FILE="$STATE_DIR/url" LOCK_FILE="$STATE_DIR/lock"
readonly LOG_FILE="$STATE_DIR/logs/console.log"
readonly ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip"

log() { echo "elasticsearch.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The JDK for this major: 17 for 8.x; for 9.x the newest JDK of at least 21 under /usr/lib/jvm.
java_home() {
    local home
    if ((MAJOR == 8)); then
        for home in /usr/lib/jvm/java-17-openjdk-*; do
            [[ -x "$home/bin/java" ]] && { echo "$home"; return; }
        done
        die "Elasticsearch 8 needs Java 17 (apt-get install openjdk-17-jdk-headless)"
    fi
    for home in $(ls -d /usr/lib/jvm/temurin-{2[1-9],[3-9][0-9]}-* /usr/lib/jvm/java-{2[1-9],[3-9][0-9]}-openjdk-* \
            2>/dev/null | sort -t- -k2 -n -r); do
        [[ -x "$home/bin/javac" ]] && { echo "$home"; return; }
    done
    die "Elasticsearch $MAJOR needs a JDK 21 or newer under /usr/lib/jvm"
}

ensure_user() {
    id -u "$RUN_USER" >/dev/null 2>&1 && return
    [[ $EUID -eq 0 ]] || die "the user $RUN_USER does not exist and this is not root"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER"
}

# Unpack the distribution from Maven's cache (downloading it on first use) into home/.
install_distribution() {
    [[ -x "$HOME_DIR/bin/elasticsearch" ]] && return
    local tool missing=()
    for tool in mvn unzip curl; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if ((${#missing[@]})); then
        [[ $EUID -eq 0 ]] || die "missing ${missing[*]} and this is not root"
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            "${missing[@]/mvn/maven}" >&2
    fi
    log "fetching $ARTIFACT with Maven (about 110 MB on first use)"
    local tmp="$STATE_DIR/download"
    rm -rf "$tmp" "$HOME_DIR.tmp"
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -Dartifact="$ARTIFACT" \
        -DoutputDirectory="$tmp" >"$STATE_DIR/maven.log" 2>&1 9>&- \
        || { tail -n 40 "$STATE_DIR/maven.log" >&2; die "Maven could not fetch $ARTIFACT"; }
    mkdir -p "$HOME_DIR.tmp"
    unzip -q "$tmp/elasticsearch-$VERSION.zip" -d "$HOME_DIR.tmp"
    mv "$HOME_DIR.tmp/elasticsearch-$VERSION" "$HOME_DIR"
    rm -rf "$tmp" "$HOME_DIR.tmp"
}

# Compile deploy/es-plugin/ against this distribution and install it, unless the installed build is
# newer than every source file.
install_plugin() {
    local target="$HOME_DIR/plugins/$PLUGIN_NAME" jdk=$1 build
    if [[ -f "$target/$PLUGIN_NAME.jar" ]] && [[ -z "$(find "$PLUGIN_SRC" -newer "$target/$PLUGIN_NAME.jar" -type f)" ]]; then
        return
    fi
    log "building the $PLUGIN_NAME plugin against Elasticsearch $VERSION"
    build="$STATE_DIR/plugin-build"
    rm -rf "$build" "$target"
    mkdir -p "$build/classes" "$target"
    "$jdk/bin/javac" --release 17 -nowarn -encoding UTF-8 -d "$build/classes" -cp "$HOME_DIR/lib/*" \
        $(find "$PLUGIN_SRC/src" "$PLUGIN_SRC/v$MAJOR" -name '*.java') >&2
    "$jdk/bin/jar" --create --file "$target/$PLUGIN_NAME.jar" -C "$build/classes" .
    sed -e "s/@VERSION@/$VERSION/g" "$PLUGIN_SRC/plugin-descriptor.properties" >"$target/plugin-descriptor.properties"
    rm -rf "$build"
}

write_config() {
    rm -rf "$CONF_DIR"
    cp -r "$HOME_DIR/config" "$CONF_DIR"
    cat >"$CONF_DIR/elasticsearch.yml" <<EOF
# Written by deploy/elasticsearch.sh on every start; edits here are lost.
cluster.name: credit-registry-es$MAJOR
node.name: es$MAJOR
path.data: $DATA_DIR
path.logs: $STATE_DIR/logs
network.host: 127.0.0.1
http.port: $HTTP_PORT
transport.port: $((HTTP_PORT + TRANSPORT_OFFSET))
discovery.type: single-node
xpack.security.enabled: false
# CI disks may be fuller than the default watermarks allow.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$CONF_DIR/jvm.options.d/heap.options"
    mkdir -p "$DATA_DIR" "$STATE_DIR/logs" "$STATE_DIR/tmp"
    chown -R "$RUN_USER:" "$CONF_DIR" "$DATA_DIR" "$STATE_DIR/logs" "$STATE_DIR/tmp"
}

running_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(<"$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse: it must be a node of this state folder.
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF -- "ES_PATH_CONF=$CONF_DIR" || return 1
    echo "$pid"
}

# True when the node at $1 is this version and its cluster is at least yellow.
answers() {
    curl -sf --max-time 3 "$1/" 2>/dev/null | grep -qE "\"number\" ?: ?\"$VERSION\"" || return 1
    curl -sf --max-time 5 "$1/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null 2>&1
}

cmd_start() {
    lock_state
    local url="http://127.0.0.1:$HTTP_PORT" pid jdk deadline
    if running_pid >/dev/null && answers "$url"; then
        log "Elasticsearch $VERSION already runs at $url"
        echo "$url"
        return
    fi
    stop_service || true
    port_in_use "$HTTP_PORT" && die "port $HTTP_PORT is taken by something else"
    jdk="$(java_home)"
    ensure_user
    install_distribution
    install_plugin "$jdk"
    write_config
    runuser -u "$RUN_USER" -- test -r "$HOME_DIR/lib/elasticsearch-$VERSION.jar" \
        || die "$RUN_USER cannot read $HOME_DIR (a parent folder is not world-traversable)"

    log "starting Elasticsearch $VERSION (Java $jdk, heap $HEAP) on $url"
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.previous"
    # setsid: its own process group, which `stop` signals; setpriv: Elasticsearch refuses root.
    # Started from its logs folder, where the JVM writes its GC log.
    cd "$STATE_DIR/logs"
    setsid nohup setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --init-groups \
        env -i PATH=/usr/bin:/bin ES_JAVA_HOME="$jdk" ES_PATH_CONF="$CONF_DIR" ES_TMPDIR="$STATE_DIR/tmp" \
        "$HOME_DIR/bin/elasticsearch" </dev/null >"$LOG_FILE" 2>&1 9>&- &
    pid=$!
    cd "$REPO_DIR"
    echo "$pid" >"$PID_FILE"
    deadline=$((SECONDS + START_TIMEOUT))
    until answers "$url"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            print_log_tail
            die "Elasticsearch exited during start-up"
        fi
        if ((SECONDS >= deadline)); then
            print_log_tail
            stop_service || true
            die "Elasticsearch did not answer at $url within ${START_TIMEOUT} s"
        fi
        sleep 1
    done
    echo "$url" >"$URL_FILE"
    log "Elasticsearch $VERSION is up at $url (pid $pid, log $LOG_FILE)"
    echo "$url"
}

# shellcheck source=deploy/service-commands.sh
. "$(dirname "${BASH_SOURCE[0]}")/service-commands.sh"
run_command "$@"
