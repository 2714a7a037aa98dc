# The commands that every service script of deploy/ answers alike: stop, status, url and the dispatch.
# Sourced at the end of such a script, which defines cmd_start, stop_service, lock_state, running_pid,
# recorded_url, answers, log and die first.

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
