#!/usr/bin/env bash
# Start (or stop) a Keycloak for the single sign-on tests, without Docker:
# Keycloak's own distribution (org.keycloak:keycloak-quarkus-dist, a zip on
# Maven Central) run in development mode on loopback, with the test realm of
# deploy/keycloak/realm.json.
#
# Usage: deploy/keycloak.sh [start|stop|status|url]
#
#   start (default)  Start Keycloak unless one started by this script already
#                    runs and answers; wait until the realm answers. Last
#                    stdout line: the realm's issuer URL,
#                    http://127.0.0.1:PORT/realms/tongliao
#   stop             Stop it (TERM to its process group, KILL after 20 s).
#                    Idempotent.
#   status           Exit 0 if it runs and the realm answers, else 1.
#   url              Print the issuer URL if it runs and answers, else exit 1.
#
# Environment:
#   REGISTRY_SERVICES_DIR    state root (default: <repo>/.services); this script
#                            keeps everything in its keycloak/ folder: the
#                            unpacked distribution, server.log, pid, url
#   KEYCLOAK_PORT            first HTTP port to try (default 8180); the port of
#                            an earlier start is preferred while free
#   KEYCLOAK_START_TIMEOUT   seconds to wait for the realm (default 180: the
#                            first start builds the server, which takes a while
#                            on a small machine)
#   MAVEN_REPO_LOCAL         Maven's local repository (default ~/.m2/repository)
#
# The realm is imported afresh at every start (the development database is
# emptied first), so it is always the one in the repository. Development mode
# keeps the default heap (64 MB, at most 512 MB) and binds one port, HTTP on
# 127.0.0.1. The administrator (admin / admin, KC_BOOTSTRAP_ADMIN_*) is for a
# look at the console of a test server only.
#
# Everything but the URL goes to stderr.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_DIR
readonly VERSION=26.4.0
readonly ARTIFACT="org.keycloak:keycloak-quarkus-dist:$VERSION:zip"
readonly M2_REPO="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
readonly ZIP="$M2_REPO/org/keycloak/keycloak-quarkus-dist/$VERSION/keycloak-quarkus-dist-$VERSION.zip"
readonly REALM_FILE="$REPO_DIR/deploy/keycloak/realm.json"
readonly REALM=tongliao
readonly STATE_DIR="${REGISTRY_SERVICES_DIR:-$REPO_DIR/.services}/keycloak"
readonly KC_HOME="$STATE_DIR/keycloak-$VERSION"
readonly PID_FILE="$STATE_DIR/pid"
readonly URL_FILE="$STATE_DIR/url"
readonly LOG_FILE="$STATE_DIR/server.log"
readonly LOCK_FILE="$STATE_DIR/lock"
readonly FIRST_PORT="${KEYCLOAK_PORT:-8180}"
readonly START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-180}"
readonly STOP_TIMEOUT=20

log() { echo "keycloak.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --------------------------------------------------------------------------
# helpers

# Java 17+, Maven, unzip and curl; installed from Debian's packages if missing (root only).
ensure_tools() {
    local missing=() tool package
    for tool in java:default-jre-headless mvn:maven unzip:unzip curl:curl; do
        package=${tool#*:}
        command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("$package")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $EUID -eq 0 ]] || die "missing ${missing[*]} and this is not root"
    log "installing ${missing[*]} from apt"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
}

# The distribution, fetched from Maven Central (about 150 MB, once) and unpacked under the state folder.
install_keycloak() {
    [[ -x "$KC_HOME/bin/kc.sh" ]] && return 0
    if [[ ! -s "$ZIP" ]]; then
        log "fetching $ARTIFACT with Maven"
        mvn -B -q dependency:get -Dartifact="$ARTIFACT" -Dtransitive=false -Dmaven.repo.local="$M2_REPO" \
            >&2 9>&- || die "Maven could not fetch $ARTIFACT"
    fi
    log "unpacking $(basename "$ZIP")"
    rm -rf "$STATE_DIR/unpacking"
    mkdir -p "$STATE_DIR/unpacking"
    unzip -q "$ZIP" -d "$STATE_DIR/unpacking"
    mv "$STATE_DIR/unpacking/keycloak-$VERSION" "$KC_HOME"
    rmdir "$STATE_DIR/unpacking"
}

# Prints the pid of the server this script started, if it is still alive.
running_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(<"$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse: it must be a process of our distribution.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$KC_HOME" || return 1
    echo "$pid"
}

# True when the realm at issuer URL $1 serves its discovery document.
answers() {
    curl -sf --max-time 5 "$1/.well-known/openid-configuration" 2>/dev/null | grep -q '"issuer"'
}

# Sets PORT: the recorded one if it is free, else the first free one from KEYCLOAK_PORT up.
choose_port() {
    local url port
    url="$(recorded_url || true)"
    if [[ "$url" =~ :([0-9]+)/ ]] && ! port_in_use "${BASH_REMATCH[1]}"; then
        PORT=${BASH_REMATCH[1]}
        return 0
    fi
    for ((port = FIRST_PORT; port < FIRST_PORT + 100; port++)); do
        if ! port_in_use "$port"; then
            PORT=$port
            return 0
        fi
    done
    die "no free port from $FIRST_PORT to $((FIRST_PORT + 99))"
}

# The development database emptied and the repository's realm put where --import-realm reads it.
fresh_realm() {
    rm -rf "$KC_HOME/data"
    mkdir -p "$KC_HOME/data/import"
    cp "$REALM_FILE" "$KC_HOME/data/import/$REALM-realm.json"
}

# --------------------------------------------------------------------------
# commands

cmd_start() {
    lock_state
    local pid url deadline

    if pid="$(running_pid)"; then
        url="$(recorded_url || true)"
        if [[ -n "$url" ]] && answers "$url"; then
            log "Keycloak $pid already running at $url"
            echo "$url"
            return 0
        fi
        log "Keycloak $pid runs but its realm does not answer; restarting it"
        stop_service || true
    fi

    ensure_tools
    install_keycloak
    choose_port
    fresh_realm
    url="http://127.0.0.1:$PORT/realms/$REALM"
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.previous"

    log "starting Keycloak $VERSION on http://127.0.0.1:$PORT"
    # setsid: own process group (stop signals all of it) that outlives the calling shell; fd 9 (the
    # lock) must not leak into the server, or the lock would be held while it runs.
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
        setsid nohup "$KC_HOME/bin/kc.sh" start-dev --http-host 127.0.0.1 --http-port "$PORT" --import-realm \
        </dev/null >"$LOG_FILE" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"

    deadline=$((SECONDS + START_TIMEOUT))
    until answers "$url"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            print_log_tail
            rm -f "$PID_FILE"
            die "Keycloak exited during start-up"
        fi
        if ((SECONDS >= deadline)); then
            print_log_tail
            stop_service || true
            die "the realm did not answer at $url within ${START_TIMEOUT} s"
        fi
        sleep 1
    done

    echo "$url" >"$URL_FILE"
    log "Keycloak is up at $url (pid $pid, log $LOG_FILE)"
    echo "$url"
}

# shellcheck source=deploy/service-commands.sh
. "$(dirname "${BASH_SOURCE[0]}")/service-commands.sh"
run_command "$@"
