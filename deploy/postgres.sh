#!/usr/bin/env bash
# Start (or stop) the local PostgreSQL server that the test suite uses.
#
# Usage: deploy/postgres.sh [start|stop|url]
#
#   start (default)  Install PostgreSQL from Debian's packages if it is missing,
#                    make sure a cluster "main" exists and runs, and make sure
#                    the role `registry` (password `registry`) and the database
#                    `registry_test` with the pg_trgm extension exist.
#                    Idempotent; takes well under a second when all is done.
#   stop             Stop the cluster (no-op when it is not running).
#   url              Print the SQLAlchemy URL without starting anything.
#
# The last line on stdout of `start` and `url` is the SQLAlchemy URL:
#   postgresql+psycopg://registry:registry@127.0.0.1:PORT/registry_test (or $REGISTRY_PG_DATABASE)
# Everything else goes to stderr.
#
# Must run as root (it uses apt-get, pg_ctlcluster and runuser), as on the
# developer machines and CI (Debian 12).
set -euo pipefail

readonly CLUSTER=main
readonly DB_USER=registry
readonly DB_PASSWORD=registry
# REGISTRY_PG_DATABASE names another database, so that parallel checkouts do not share one.
readonly DB_NAME="${REGISTRY_PG_DATABASE:-registry_test}"

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="${REGISTRY_SERVICES_DIR:-$REPO_DIR/.services}"

log() { echo "postgres.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Highest PostgreSQL major version installed, or empty.
installed_version() {
    local dir
    for dir in /usr/lib/postgresql/*/; do
        dir="${dir%/}"
        if [[ -x "$dir/bin/postgres" ]]; then
            echo "${dir##*/}"
        fi
    done | sort -V | tail -n 1
}

ensure_installed() {
    if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -n "$(installed_version)" ]] \
        && [[ -f "/usr/share/postgresql/$(installed_version)/extension/pg_trgm.control" ]]; then
        return 0
    fi
    [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed and this is not root"
    log "installing PostgreSQL from apt (first run on this machine)"
    apt-get update >&2
    # The package's post-install script creates the cluster "main" with the
    # locale of this environment: make it UTF-8 even if LANG is unset.
    LANG=C.UTF-8 LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
        apt-get install -y postgresql postgresql-contrib >&2
}

# Prints "PORT STATUS" of the cluster, or nothing when it does not exist.
cluster_info() {
    local ver=$1
    pg_lsclusters -h 2>/dev/null | awk -v v="$ver" -v c="$CLUSTER" '$1 == v && $2 == c { print $3, $4; exit }'
}

cluster_port() {
    local info
    info="$(cluster_info "$1")"
    [[ -n "$info" ]] || die "no PostgreSQL $1 cluster '$CLUSTER' (run: deploy/postgres.sh start)"
    echo "${info%% *}"
}

print_url() {
    echo "postgresql+psycopg://$DB_USER:$DB_PASSWORD@127.0.0.1:$1/$DB_NAME"
}

# psql as the superuser over the Unix socket (peer authentication).
# Run from / so that psql does not complain about an unreadable cwd.
psql_admin() {
    local port=$1
    shift
    (cd / && runuser -u postgres -- env PGOPTIONS='-c client_min_messages=warning' \
        psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@") >&2
}

wait_ready() {
    local port=$1 _
    for _ in $(seq 1 60); do
        if pg_isready -q -h 127.0.0.1 -p "$port"; then
            return 0
        fi
        sleep 0.5
    done
    die "PostgreSQL on 127.0.0.1:$port did not become ready in 30 s"
}

cmd_start() {
    ensure_installed
    local ver info port status
    ver="$(installed_version)"
    [[ -n "$ver" ]] || die "no PostgreSQL server found under /usr/lib/postgresql"

    # Serialise concurrent starts (e.g. several pytest workers).
    mkdir -p "$SERVICES_DIR"
    exec 9>"$SERVICES_DIR/postgres.lock"
    flock 9

    info="$(cluster_info "$ver")"
    if [[ -z "$info" ]]; then
        log "creating cluster $ver/$CLUSTER"
        pg_createcluster --locale C.UTF-8 --encoding UTF8 "$ver" "$CLUSTER" >&2
        info="$(cluster_info "$ver")"
        [[ -n "$info" ]] || die "pg_createcluster did not create $ver/$CLUSTER"
    fi
    port="${info%% *}"
    status="${info#* }"
    if [[ "$status" != online* ]]; then
        log "starting cluster $ver/$CLUSTER on port $port"
        # The fd 9 lock must not be inherited by the server process.
        pg_ctlcluster "$ver" "$CLUSTER" start 9>&- >&2 \
            || [[ "$(cluster_info "$ver")" == *" online"* ]] \
            || die "pg_ctlcluster $ver $CLUSTER start failed (see /var/log/postgresql/postgresql-$ver-$CLUSTER.log)"
    fi
    wait_ready "$port"
    log "PostgreSQL $ver/$CLUSTER is up on 127.0.0.1:$port"

    # Role: create it, or re-assert its attributes and password.
    psql_admin "$port" -d postgres <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN
        CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    ELSE
        ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    END IF;
END
\$\$;
-- UTF-8 with a Unicode-aware ctype, whatever the cluster's defaults are:
-- pg_trgm only treats CJK characters as word characters under such a ctype.
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER TEMPLATE template0 ENCODING ''UTF8'' '
       'LC_COLLATE ''C.UTF-8'' LC_CTYPE ''C.UTF-8'''
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME')
\gexec
ALTER DATABASE $DB_NAME OWNER TO $DB_USER;
SQL
    psql_admin "$port" -d "$DB_NAME" -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm'

    print_url "$port"
}

cmd_stop() {
    local ver info
    ver="$(installed_version)"
    if [[ -z "$ver" ]] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
        log "PostgreSQL is not installed; nothing to stop"
        return 0
    fi
    info="$(cluster_info "$ver")"
    if [[ "$info" == *" online"* ]]; then
        log "stopping cluster $ver/$CLUSTER"
        pg_ctlcluster "$ver" "$CLUSTER" stop >&2
    else
        log "cluster $ver/$CLUSTER is not running"
    fi
}

cmd_url() {
    local ver
    ver="$(installed_version)"
    [[ -n "$ver" ]] || die "PostgreSQL is not installed (run: deploy/postgres.sh start)"
    print_url "$(cluster_port "$ver")"
}

case "${1:-start}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) cmd_url ;;
    *) echo "usage: $0 [start|stop|url]" >&2; exit 2 ;;
esac
