# What every service script of deploy/ shares: its state files, stopping its process group, and the
# stop, status and url commands with the dispatch. Sourced at the end of such a script, which sets
# STATE_DIR, PID_FILE, URL_FILE, LOG_FILE, LOCK_FILE and STOP_TIMEOUT and defines cmd_start,
# running_pid, answers, log and die first.

recorded_url() {
    [[ -s "$URL_FILE" ]] && head -n 1 "$URL_FILE"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_log_tail() {
    if [[ -f "$LOG_FILE" ]]; then
        log "last 40 lines of $LOG_FILE:"
        tail -n 40 "$LOG_FILE" >&2
    fi
}

stop_service() {
    local pid pgid i
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        return 1
    fi
    # Started with setsid, so it leads its own process group.
    pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)"
    if [[ "$pgid" == "$pid" ]]; then
        kill -TERM -- "-$pgid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "process $pid did not stop in ${STOP_TIMEOUT} s; killing it"
        if [[ "$pgid" == "$pid" ]]; then
            kill -KILL -- "-$pgid" 2>/dev/null || true
        else
            kill -KILL "$pid" 2>/dev/null || true
        fi
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$PID_FILE"
}

lock_state() {
    mkdir -p "$STATE_DIR"
    exec 9>"$LOCK_FILE"
    flock -w 600 9 || die "could not lock $LOCK_FILE"
}

cmd_stop() {
    lock_state
    if stop_service; then
        log "stopped"
    else
        log "not running"
    fi
}

cmd_status() {
    local url
    running_pid >/dev/null || { log "not running"; return 1; }
    url="$(recorded_url)" || { log "running, but no URL recorded yet"; return 1; }
    answers "$url" || { log "running, but $url does not answer"; return 1; }
    log "running at $url"
}

cmd_url() {
    local url
    running_pid >/dev/null || die "not running (start it with: $0 start)"
    url="$(recorded_url)" || die "running, but no URL recorded yet"
    answers "$url" || die "running, but $url does not answer"
    echo "$url"
}

run_command() {
    case "${1:-start}" in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        url) cmd_url ;;
        *) echo "usage: $0 [start|stop|status|url]" >&2; exit 2 ;;
    esac
}
