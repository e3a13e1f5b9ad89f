#!/usr/bin/env bash
# Loopgate side by side with nginx and Portkey: one command, one machine, one run.
#
#   bench/run.sh
#
# Builds the gateway and the bench jar, starts a mock upstream, then drives the same workloads
# through each target: direct (the mock itself), nginx, Portkey, Loopgate on embedded defaults,
# Loopgate with full governance (Redis, budgets, rate limits, breakers, 20 rules, SQLite audit).
# Then counts the Redis commands per governed call, profiles both Loopgates with JFR under the
# closed-loop load, and writes
# bench/results/<date>.md, <date>.json and latest.md. Every process it starts is stopped on exit,
# and the Redis keys of its namespace are deleted. About 9 minutes on a 2-core machine.
#
# Knobs (environment): BENCH_TARGETS ("direct nginx portkey loopgate-embedded loopgate-governed"),
# BENCH_DURATION (10s), BENCH_RAMP ("1 10 50 100 200"), BENCH_RAMP_DURATION (5s), BENCH_OPEN_RATE (1000),
# BENCH_STREAM_RATE (100), BENCH_PROFILE (1), BENCH_SKIP_BUILD (0), BENCH_PORT_BASE (19900),
# BENCH_REDIS_URL (default: 127.0.0.1:6379 if it answers, else a private redis-server),
# LOOPGATE_JAVA_OPTS, TOOL_JAVA_OPTS, BENCH_RESULTS (bench/results).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
PEERS=${PEERS_DIR:-$ROOT/../shared/peers}
TARGETS=${BENCH_TARGETS:-"direct nginx portkey loopgate-embedded loopgate-governed"}
DURATION=${BENCH_DURATION:-10s}
WARMUP_FIRST=${BENCH_WARMUP_FIRST:-30s}
WARMUP=${BENCH_WARMUP:-3s}
RAMP=${BENCH_RAMP:-"1 10 50 100 200"}
RAMP_DURATION=${BENCH_RAMP_DURATION:-5s}
RAMP_WARMUP=${BENCH_RAMP_WARMUP:-1s}
OPEN_RATE=${BENCH_OPEN_RATE:-1000}
STREAM_RATE=${BENCH_STREAM_RATE:-100}
CLOSED_CONNECTIONS=${BENCH_CLOSED_CONNECTIONS:-20}
LOOP_IDS=${BENCH_LOOP_IDS:-10}
PROFILE=${BENCH_PROFILE:-1}
BASE=${BENCH_PORT_BASE:-19900}
RESULTS=${BENCH_RESULTS:-$BENCH/results}
LOOPGATE_JAVA_OPTS=${LOOPGATE_JAVA_OPTS:-"-XX:+UseG1GC -Xms1g -Xmx1g -XX:+ExitOnOutOfMemoryError -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"}
TOOL_JAVA_OPTS=${TOOL_JAVA_OPTS:-"-XX:+UseParallelGC -Xms512m -Xmx512m"}

# BENCH_PIN=1: the target (nginx, Portkey or Loopgate) on CPU 0, the load generator, the mock and a
# private Redis on the others (taskset), so they stop taking CPU from what they measure. Off by
# default: on 2 cores the load generator and the mock then share one core and cap every target.
PIN_TARGET=(); PIN_TOOLS=()
if [ "${BENCH_PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  PIN_TARGET=(taskset -c 0); PIN_TOOLS=(taskset -c "1-$(( $(nproc) - 1 ))")
fi

UPSTREAM_PORT=$((BASE + 1)); NGINX_PORT=$((BASE + 2)); PORTKEY_PORT=$((BASE + 3))
EMBEDDED_PORT=$((BASE + 4)); GOVERNED_PORT=$((BASE + 5)); REDIS_PORT=$((BASE + 6))
KEY="lg-bench-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
NS="lgbench_$$"
GATEWAY_JAR="$ROOT/gateway/target/loopgate.jar"
JAR="$BENCH/target/benchmarks.jar"
RUN=$(mktemp -d /tmp/loopgate-bench.XXXXXX)
DATE=$(date -u +%F)
STARTED=$(date +%s)

PIDS=()
NGINX_STARTED=0; PORTKEY_STARTED=0; REDIS_URL=""; GOVERNED_RAN=0

. "$BENCH/lib.sh"

forget_pid() {   # pid: no longer ours to stop (it ended; its number may be reused)
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

stop_pid() {   # pid: TERM, up to 30 s, then KILL
  local pid=$1
  forget_pid "$pid"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

clean_redis() {
  [ -n "$REDIS_URL" ] && [ "$GOVERNED_RAN" = 1 ] || return 0
  redis-cli -u "$REDIS_URL" --scan --pattern "$NS:*" | xargs -r -n 1000 redis-cli -u "$REDIS_URL" del >/dev/null || true
  log "deleted the Redis keys of namespace $NS"
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  [ "$NGINX_STARTED" = 1 ] && "$PEERS/stop.sh" nginx || true
  [ "$PORTKEY_STARTED" = 1 ] && "$PEERS/stop.sh" portkey || true
  clean_redis
  [ -n "${PRIVATE_REDIS_PID:-}" ] && stop_pid "$PRIVATE_REDIS_PID" || true
  log "run files (logs, JSON, JFR) kept in $RUN; took $(( $(date +%s) - STARTED )) s"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for p in $UPSTREAM_PORT $NGINX_PORT $PORTKEY_PORT $EMBEDDED_PORT $GOVERNED_PORT; do
  port_free "$p" || { log "port $p is taken; set BENCH_PORT_BASE"; exit 1; }
done

# ---- build ----------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building the gateway (mvn -DskipTests install) and the bench jar"
  (cd "$ROOT" && mvn -B -q -DskipTests install)
  mvn -B -q -f "$BENCH/pom.xml" package
fi

# ---- the machine ----------------------------------------------------------------------------
portkey_version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
  "${PEERS_HOME:-/tmp/loopgate-peers}/portkey/node_modules/@portkey-ai/gateway/package.json" 2>/dev/null | head -1 || true)
{
  echo "CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  echo "RAM=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "JDK=$(java -version 2>&1 | sed -n 2p)"
  echo "OS=$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "nginx=$( (command -v nginx >/dev/null && nginx -v 2>&1 || echo 'installed by the peer script during the run') | sed 's/.*nginx\///'), 1 worker (shared/peers/start-nginx.sh)"
  echo "Portkey=${portkey_version:-1.15.2 (npm)} on Node $(node --version 2>/dev/null) (shared/peers/start-portkey.sh)"
  echo "Redis=$(redis-server --version 2>/dev/null | awk '{print $3}' | sed 's/v=//')"
  echo "Loopgate=$(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- gateway budgets routing-rules || echo ' + uncommitted changes')"
  echo "Loopgate JVM flags=$LOOPGATE_JAVA_OPTS (serve: one event loop per core)"
  echo "Load generator and mock JVM flags=$TOOL_JAVA_OPTS"
  if [ ${#PIN_TARGET[@]} -gt 0 ]; then
    echo "CPU pinning=target on CPU 0 (${PIN_TARGET[*]}); load generator, mock and a private Redis on ${PIN_TOOLS[*]}; a shared Redis is not pinned"
  else
    echo "CPU pinning=none: every process may run on every core"
  fi
  echo "Mock upstream=Vert.x, 2 event loops, answers at once: 200 B of content, or 50 SSE chunks of 8 B 2 ms apart"
  echo "Requests=one small chat call (system + user message, max_tokens 64, model auto), a different user message each, X-Loop-Id over $LOOP_IDS loops, keep-alive HTTP/1.1"
  echo "settings=Each target gets ${WARMUP_FIRST} of warm-up before its first workload and ${WARMUP} before the others, then ${DURATION} measured per workload; the ramp ${RAMP_WARMUP} + ${RAMP_DURATION} per level. Command: \`bench/run.sh\`."
} > "$RUN/machine.txt"

# ---- other load on the machine: sampled every 5 s, summarised in the results ----------------
top -b -c -w 400 -d 5 > "$RUN/top.txt" 2>/dev/null &
PIDS+=($!)

# ---- the mock upstream ----------------------------------------------------------------------
log "mock upstream on :$UPSTREAM_PORT"
"${PIN_TOOLS[@]}" java $TOOL_JAVA_OPTS -cp "$JAR" dev.loopgate.bench.MockUpstream --port "$UPSTREAM_PORT" --event-loops 2 \
  --content-bytes 200 --chunks 50 --chunk-interval 2ms --chunk-bytes 8 > "$RUN/mock.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$UPSTREAM_PORT/" 30

# ---- workloads ------------------------------------------------------------------------------
load() {   # target workload url [loadgen flags...]; headers come from HEADERS
  local target=$1 workload=$2 url=$3; shift 3
  local out="$RUN/$target.$workload.json"
  local line started
  started=$(date +%H:%M:%S)
  if line=$("${PIN_TOOLS[@]}" java $TOOL_JAVA_OPTS -cp "$JAR" dev.loopgate.bench.LoadGen --url "$url" "${HEADERS[@]}" \
      --loop-ids "$LOOP_IDS" --meta "target=$target" --meta "workload=$workload" --out "$out" "$@" \
      2> "$RUN/$target.$workload.err"); then
    log "  $target $workload: $line"
  else
    log "  $target $workload: load generator failed (see $RUN/$target.$workload.err)"; rm -f "$out"
  fi
  echo "$target.$workload $started $(date +%H:%M:%S)" >> "$RUN/times.txt"
}

workloads() {   # target url
  local target=$1 url=$2 c
  load "$target" closed "$url" --mode closed --connections "$CLOSED_CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP_FIRST"
  load "$target" open "$url" --mode open --rate "$OPEN_RATE" --connections 256 --duration "$DURATION" --warmup "$WARMUP"
  load "$target" stream "$url" --mode open --rate "$STREAM_RATE" --connections 256 --stream --duration "$DURATION" --warmup "$WARMUP"
  for c in $RAMP; do
    load "$target" "ramp-c$c" "$url" --mode closed --connections "$c" --duration "$RAMP_DURATION" --warmup "$RAMP_WARMUP"
  done
}

smoke() {   # url: one call must answer 200
  local code
  code=$(curl -s -o "$RUN/smoke.out" -w '%{http_code}' -X POST "$1" "${CURL_HEADERS[@]}" -H 'content-type: application/json' \
    -H 'x-loop-id: bench-loop-0' -d '{"model":"auto","messages":[{"role":"user","content":"smoke"}],"max_tokens":8}')
  [ "$code" = 200 ] || { log "  smoke call answered $code: $(head -c 300 "$RUN/smoke.out")"; return 1; }
}

set_headers() {   # header lines for both the load generator and curl
  HEADERS=(); CURL_HEADERS=()
  local h
  for h in "$@"; do HEADERS+=(--header "$h"); CURL_HEADERS+=(-H "$h"); done
}

start_loopgate() {   # target port config-template [rules]
  local target=$1 port=$2 template=$3 rules=${4:-}
  local dir="$RUN/$target"
  mkdir -p "$dir"
  sed -e "s/@PORT@/$port/; s/@UPSTREAM_PORT@/$UPSTREAM_PORT/; s/@KEY@/$KEY/" \
      -e "s#@REDIS_URL@#$REDIS_URL#; s/@REDIS_NS@/$NS/" "$template" > "$dir/gateway.yaml"
  [ -n "$rules" ] && grep -v '^#' "$rules" >> "$dir/gateway.yaml"
  (cd "$dir" && exec "${PIN_TARGET[@]}" java $LOOPGATE_JAVA_OPTS -jar "$GATEWAY_JAR" serve --config "$dir/gateway.yaml" > "$dir/loopgate.log" 2>&1) &
  LOOPGATE_PID=$!
  PIDS+=("$LOOPGATE_PID")
  wait_http "http://127.0.0.1:$port/readyz" 60
}

profile_loopgate() {   # target url: JFR on the running Loopgate under the closed-loop load
  local target=$1 url=$2 jfr="$RUN/$1.jfr" jfc="$RUN/profile-1ms.jfc" java_home gen
  log "  profiling: closed loop $CLOSED_CONNECTIONS connections, JFR for 20 s"
  # The JDK's "profile" settings with Java samples every 1 ms instead of 10 ms: more samples in 20 s.
  java_home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
  sed '/method-sampling-java-interval/s#>[0-9]* ms<#>1 ms<#' "$java_home/lib/jfr/profile.jfc" > "$jfc"
  "${PIN_TOOLS[@]}" java $TOOL_JAVA_OPTS -cp "$JAR" dev.loopgate.bench.LoadGen --url "$url" "${HEADERS[@]}" --loop-ids "$LOOP_IDS" \
    --mode closed --connections "$CLOSED_CONNECTIONS" --warmup 3s --duration 24s \
    --meta "target=$target" --meta workload=closed-under-jfr --out "$RUN/$target.profile-load.json" \
    > "$RUN/$target.profile-load.txt" 2>&1 &
  gen=$!
  PIDS+=("$gen")
  sleep 4
  jcmd "$LOOPGATE_PID" JFR.start name=bench settings="$jfc" duration=20s filename="$jfr" > "$RUN/$target.jfr-start.txt"
  wait "$gen" || true
  forget_pid "$gen"
  for _ in $(seq 1 40); do [ -s "$jfr" ] && break; sleep 0.5; done
  [ -s "$jfr" ] || { log "  no JFR recording was written"; return 0; }
  jfr summary "$jfr" > "$RUN/$target.jfr-summary.txt" || true
  {
    echo "### $target"
    echo
    echo "\`jcmd <pid> JFR.start settings=<the JDK's profile.jfc with Java samples every 1 ms> duration=20s\` while the"
    echo "load generator ran the closed loop ($CLOSED_CONNECTIONS connections) once more, after the measured workloads:"
    echo "$(cat "$RUN/$target.profile-load.txt") (with JFR on). Summarised by \`dev.loopgate.bench.JfrTop\`."
    echo
    java -cp "$JAR" dev.loopgate.bench.JfrTop "$jfr" 12
  } > "$RUN/$target.profile.md"
  rm -f "$RUN/$target.profile-load.json"   # not a workload of the results
  log "  profile written to $RUN/$target.profile.md"
}

# ---- cost per call: CPU of the gateway and of Redis, Redis commands, warm-up ------------------
CLK_TCK=$(getconf CLK_TCK)
{
  echo "### Cost per call and warm-up"
  echo
  echo "Each Loopgate right after \`/readyz\` said ready: a closed loop of $CLOSED_CONNECTIONS connections for 10 s with no warm-up"
  echo "(**cold**). After its workloads, warm: the same loop for 10 s, with the process's CPU time from \`/proc/<pid>/stat\`"
  echo "(user + system) and Redis's from \`INFO cpu\` (used_cpu_user + used_cpu_sys) and \`INFO commandstats\` before"
  echo "and after, divided by the calls it sent. Warm-up = cold req/s ÷ warm req/s."
  echo
  echo "| target | cold req/s | warm req/s | warm-up | gateway CPU µs per call | Redis CPU µs per call | Redis commands per call (scripts) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$RUN/cost-per-call.md"

loadgen_closed() {   # url out: closed loop, 20 connections, 10 s, no warm-up; prints the calls sent
  "${PIN_TOOLS[@]}" java $TOOL_JAVA_OPTS -cp "$JAR" dev.loopgate.bench.LoadGen --url "$1" "${HEADERS[@]}" --loop-ids "$LOOP_IDS" \
    --mode closed --connections "$CLOSED_CONNECTIONS" --warmup 0s --duration 10s --out "$2" > /dev/null 2>&1 || true
  sed -n 's/^ *"sent" : \([0-9]*\).*/\1/p' "$2" 2>/dev/null | head -1
}

rps_of() {   # load json: its throughput
  sed -n 's/^ *"throughput_rps" : \([0-9.]*\).*/\1/p' "$1" 2>/dev/null | head -1
}

cold_start() {   # target url: the first 10 s after ready
  log "  $1 cold: $(loadgen_closed "$2" "$RUN/$1.cold.load.json") calls in the first 10 s"
}

redis_cpu() {   # Redis CPU seconds so far, or empty without Redis
  [ -n "$REDIS_URL" ] || return 0
  redis-cli -u "$REDIS_URL" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.6f", s }'
}

redis_commands() {   # all commands and scripts (EVALSHA) run so far, or empty without Redis
  [ -n "$REDIS_URL" ] || return 0
  redis-cli -u "$REDIS_URL" info commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /info|config/ {
    all += $3; if ($1 == "cmdstat_evalsha") scripts += $3 } END { printf "%d %d", all, scripts }'
}

cost_per_call() {   # target url: warm CPU and Redis commands per call, with the warm-up ratio
  local target=$1 url=$2 ticks0 ticks1 cpu0 cpu1 cmd0 cmd1 calls cold warm
  ticks0=$(awk '{ print $14 + $15 }' "/proc/$LOOPGATE_PID/stat"); cpu0=$(redis_cpu); cmd0=$(redis_commands)
  calls=$(loadgen_closed "$url" "$RUN/$target.warm.load.json")
  ticks1=$(awk '{ print $14 + $15 }' "/proc/$LOOPGATE_PID/stat"); cpu1=$(redis_cpu); cmd1=$(redis_commands)
  [ -n "$calls" ] && [ "$calls" -gt 0 ] || { log "  $target: no calls for the cost per call"; return 0; }
  cold=$(rps_of "$RUN/$target.cold.load.json"); warm=$(rps_of "$RUN/$target.warm.load.json")
  awk -v t="$target" -v calls="$calls" -v tk=$((ticks1 - ticks0)) -v hz="$CLK_TCK" -v cold="${cold:-0}" -v warm="${warm:-0}" \
      -v c0="${cpu0:-}" -v c1="${cpu1:-}" -v m0="${cmd0:-}" -v m1="${cmd1:-}" 'BEGIN {
    split(m0, a, " "); split(m1, b, " ")
    redis = c0 == "" ? "–" : sprintf("%.1f", (c1 - c0) * 1e6 / calls)
    cmds = m0 == "" ? "–" : sprintf("%.1f (%.2f)", (b[1] - a[1]) / calls, (b[2] - a[2]) / calls)
    printf "| %s | %d | %d | %.2f | %.1f | %s | %s |\n", t, cold, warm, (warm > 0 ? cold / warm : 0),
      tk * 1e6 / hz / calls, redis, cmds }' >> "$RUN/cost-per-call.md"
  log "  $target cost per call: $(tail -1 "$RUN/cost-per-call.md")"
}

redis_stats() {   # file: Redis command counts and time (calls usec per command)
  redis-cli -u "$REDIS_URL" info commandstats | tr -d '\r' \
    | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),usec=\([0-9]*\).*/\1 \2 \3/p' > "$1"
}

redis_per_call() {   # url: Redis commands per call of the full-governance Loopgate, at 1 and 20 connections
  local url=$1 c
  {
    echo "### Redis commands per call (full governance)"
    echo
    echo "From \`INFO commandstats\` before and after a 5 s closed loop with no warm-up, divided by its calls."
    echo "Commands run inside Lua scripts count too (the bucket4j CAS script runs a GET and a PSETEX; the ledger"
    echo "scripts run the HINCRBY/HMGET/Z* ones). On a shared Redis other clients' commands would be counted as well."
    echo
    echo "| connections | calls | command | per call | Redis µs per call |"
    echo "| ---: | ---: | --- | ---: | ---: |"
  } > "$RUN/redis-per-call.md"
  for c in 1 $CLOSED_CONNECTIONS; do
    redis_stats "$RUN/redis-before.txt"
    "${PIN_TOOLS[@]}" java $TOOL_JAVA_OPTS -cp "$JAR" dev.loopgate.bench.LoadGen --url "$url" "${HEADERS[@]}" --loop-ids "$LOOP_IDS" \
      --mode closed --connections "$c" --warmup 0s --duration 5s --out "$RUN/redis-c$c.load.json" > /dev/null 2>&1 || true
    sleep 1
    redis_stats "$RUN/redis-after.txt"
    local calls
    calls=$(sed -n 's/^ *"sent" : \([0-9]*\).*/\1/p' "$RUN/redis-c$c.load.json" 2>/dev/null | head -1)
    [ -n "$calls" ] && [ "$calls" -gt 0 ] || continue
    awk -v calls="$calls" -v c="$c" 'NR == FNR { calls0[$1] = $2; usec0[$1] = $3; next }
      { d = $2 - calls0[$1]; u = $3 - usec0[$1];
        if (d > 0 && $1 != "info" && $1 !~ /config/) printf "| %s | %d | %s | %.2f | %.1f |\n", c, calls, toupper($1), d / calls, u / calls }' \
      "$RUN/redis-before.txt" "$RUN/redis-after.txt" | sort -t'|' -k5 -rn >> "$RUN/redis-per-call.md"
  done
  echo >> "$RUN/redis-per-call.md"
  log "  Redis commands per call written to $RUN/redis-per-call.md"
}

for target in $TARGETS; do
  log "target $target"
  case $target in
    direct)
      set_headers "Authorization: Bearer $KEY"
      url="http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions"
      smoke "$url" && workloads direct "$url" ;;
    nginx)
      "${PIN_TARGET[@]}" "$PEERS/start-nginx.sh" "$NGINX_PORT" "127.0.0.1:$UPSTREAM_PORT" >&2; NGINX_STARTED=1
      set_headers "Authorization: Bearer $KEY"
      url="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
      smoke "$url" && workloads nginx "$url"
      "$PEERS/stop.sh" nginx; NGINX_STARTED=0 ;;
    portkey)
      "${PIN_TARGET[@]}" "$PEERS/start-portkey.sh" "$PORTKEY_PORT" >&2; PORTKEY_STARTED=1
      set_headers "Authorization: Bearer $KEY" "x-portkey-provider: openai" \
        "x-portkey-custom-host: http://127.0.0.1:$UPSTREAM_PORT/v1"
      url="http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"
      smoke "$url" && workloads portkey "$url"
      "$PEERS/stop.sh" portkey; PORTKEY_STARTED=0 ;;
    loopgate-embedded)
      set_headers "Authorization: Bearer $KEY"
      url="http://127.0.0.1:$EMBEDDED_PORT/v1/chat/completions"
      start_loopgate loopgate-embedded "$EMBEDDED_PORT" "$BENCH/loopgate/embedded.yaml"
      if smoke "$url"; then
        cold_start loopgate-embedded "$url"
        workloads loopgate-embedded "$url"
        cost_per_call loopgate-embedded "$url"
        [ "$PROFILE" = 1 ] && profile_loopgate loopgate-embedded "$url"
      fi
      stop_pid "$LOOPGATE_PID" ;;
    loopgate-governed)
      if [ -n "${BENCH_REDIS_URL:-}" ]; then
        REDIS_URL=$BENCH_REDIS_URL
      elif redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
        REDIS_URL="redis://127.0.0.1:6379"
      else
        "${PIN_TOOLS[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no > "$RUN/redis.log" 2>&1 &
        PRIVATE_REDIS_PID=$!
        REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
        for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
      fi
      GOVERNED_RAN=1
      log "  Redis $REDIS_URL, namespace $NS"
      set_headers "Authorization: Bearer $KEY"
      url="http://127.0.0.1:$GOVERNED_PORT/v1/chat/completions"
      start_loopgate loopgate-governed "$GOVERNED_PORT" "$BENCH/loopgate/governed.yaml" "$BENCH/loopgate/rules-20.yaml"
      if smoke "$url"; then
        cold_start loopgate-governed "$url"
        workloads loopgate-governed "$url"
        cost_per_call loopgate-governed "$url"
        redis_per_call "$url"
        [ "$PROFILE" = 1 ] && profile_loopgate loopgate-governed "$url"
      fi
      stop_pid "$LOOPGATE_PID" ;;
    *) log "unknown target $target"; exit 2 ;;
  esac
done

# ---- results --------------------------------------------------------------------------------
# Processes outside this run that used ≥ 20% of a core in a 5 s sample (another benchmark, a build...),
# and the workloads they overlapped: those figures are suspect.
awk -v jar="$JAR" -v gw="$GATEWAY_JAR" -v run="$RUN" '
  /^top - / { time = $3; header = 0; next }
  /^ *PID / { header = 1; next }
  header && NF >= 12 && $9 + 0 >= 20 {
    cmd = ""; for (i = 12; i <= NF; i++) cmd = cmd " " $i
    if (index(cmd, jar) || index(cmd, gw) || index(cmd, run) || cmd ~ /loopgate-peers|shared\/peers|portkey|redis-server|nginx|top -b|<defunct>/) next
    printf "%s %.0f %s\n", time, $9, substr(cmd, 2, 60)
  }' "$RUN/top.txt" > "$RUN/others.txt"
if [ -s "$RUN/others.txt" ]; then
  disturbed=$(awk 'NR == FNR { busy[NR] = $1; cpu[NR] = $2; n = NR; next }
    { hit = 0; for (i = 1; i <= n; i++) if (busy[i] >= $2 && busy[i] <= $3 && cpu[i] > hit) hit = cpu[i]
      if (hit) printf "%s%s (%d%%)", (out++ ? ", " : ""), $1, hit }' "$RUN/others.txt" "$RUN/times.txt")
  echo "Other busy processes=$(cut -d' ' -f3- "$RUN/others.txt" | sort | uniq -c | sort -rn | head -3 | awk '{$1 = $1 "×"; print}' | paste -sd ';' -)" >> "$RUN/machine.txt"
  echo "Workloads they overlapped (suspect; the most CPU they took in a 5 s sample)=${disturbed:-none}" >> "$RUN/machine.txt"
else
  echo "Other busy processes=none (no process outside the run above 20% of a core in any 5 s sample)" >> "$RUN/machine.txt"
fi

profile_flag=()
if ls "$RUN"/*.profile.md >/dev/null 2>&1 || ls "$RUN"/*.warm.load.json >/dev/null 2>&1; then
  echo >> "$RUN/cost-per-call.md"
  cat "$RUN"/cost-per-call.md "$RUN"/redis-per-call.md "$RUN"/loopgate-governed.profile.md \
    "$RUN"/loopgate-embedded.profile.md > "$RUN/profile.md" 2>/dev/null || true
  profile_flag=(--profile "$RUN/profile.md")
fi
java -cp "$JAR" dev.loopgate.bench.ResultsReport --run-dir "$RUN" --machine "$RUN/machine.txt" \
  --out-dir "$RESULTS" --date "$DATE" "${profile_flag[@]}" > /dev/null
log "wrote $RESULTS/$DATE.md, $RESULTS/$DATE.json and $RESULTS/latest.md"
