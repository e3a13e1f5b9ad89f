# Shell helpers shared by the bench scripts (sourced, not run).
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

wait_http() {   # url seconds
  for _ in $(seq 1 $(( $2 * 5 ))); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.2
  done
  log "no answer from $1 after $2 s"; return 1
}
