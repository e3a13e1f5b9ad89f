#!/usr/bin/env bash
# Memory with 1,000 concurrent open streams: starts the gateway jar with explicit JVM flags, opens
# every stream at once with StreamMemoryClient (its own JVM), samples the gateway's RSS and heap
# while all are open, checks every stream ended with [DONE], and writes
# bench/results/memory-<date>.md. One gateway per run, one run after another.
#
#   bench/memory/run-streams.sh                     # simulated upstream x 4 flag sets, then mock x 1
#   bench/memory/run-streams.sh --upstream mock --flags "-Xmx256m -XX:+UseSerialGC" --streams 500 --nmt
#
# --upstream simulated: the provider is the gateway's own simulated one (bench/memory/gateway.yaml),
#   so the measured process also holds the upstream's side of every stream.
# --upstream mock: bench's MockUpstream in a separate process (bench/memory/gateway-mock.yaml).
# --flags: a set of gateway JVM flags; repeat it for several runs. --nmt adds
#   -XX:NativeMemoryTracking=summary and records jcmd VM.native_memory while all are open.
# --prompt-bytes N: pad every prompt to ~N bytes (default: a ~250 B chat).
# Needs gateway/target/loopgate.jar and bench/target/benchmarks.jar (see bench/README.md).
# Everything it starts is stopped on exit; each run is bounded (start 60 s, client 300 s).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEFAULT_FLAGS=(
  "-Xms64m -Xmx256m -XX:+UseSerialGC"
  "-Xmx256m -XX:+UseG1GC"
  "-Xmx256m -XX:+UseZGC"
  ""
)
MOCK_FLAGS=(--latency 5ms --chunks 40 --chunk-interval 1s --chunk-bytes 16)

STREAMS=1000
PROMPT_BYTES=0
NMT=0
OUT=""
UPSTREAMS=()
FLAG_SETS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --streams) STREAMS=$2; shift 2 ;;
    --prompt-bytes) PROMPT_BYTES=$2; shift 2 ;;
    --flags) FLAG_SETS+=("$2"); shift 2 ;;
    --upstream) UPSTREAMS+=("$2"); shift 2 ;;
    --nmt) NMT=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# A run is "upstream|flags".
RUNS=()
if [[ ${#UPSTREAMS[@]} -eq 0 && ${#FLAG_SETS[@]} -eq 0 ]]; then
  for flags in "${DEFAULT_FLAGS[@]}"; do RUNS+=("simulated|$flags"); done
  RUNS+=("mock|${DEFAULT_FLAGS[0]}")
else
  [[ ${#UPSTREAMS[@]} -gt 0 ]] || UPSTREAMS=(simulated)
  [[ ${#FLAG_SETS[@]} -gt 0 ]] || FLAG_SETS=("${DEFAULT_FLAGS[0]}")
  for upstream in "${UPSTREAMS[@]}"; do
    [[ $upstream == simulated || $upstream == mock ]] || { echo "--upstream is simulated or mock" >&2; exit 2; }
    for flags in "${FLAG_SETS[@]}"; do RUNS+=("$upstream|$flags"); done
  done
fi

for jar in "$ROOT/gateway/target/loopgate.jar" "$ROOT/bench/target/benchmarks.jar"; do
  [[ -f $jar ]] || { echo "missing $jar: build it first (bench/README.md)" >&2; exit 2; }
done
OUT=${OUT:-$ROOT/bench/results/memory-$(date -u +%F).md}
mkdir -p "$(dirname "$OUT")"

WORK=$(mktemp -d /tmp/loopgate-memory.XXXXXX)
GATEWAY_PID=""
MOCK_PID=""
# Run copies, so a rebuild while this runs cannot change the jars under a running JVM.
GATEWAY_JAR=$WORK/loopgate.jar
BENCH_JAR=$WORK/benchmarks.jar
cp "$ROOT/gateway/target/loopgate.jar" "$GATEWAY_JAR"
cp "$ROOT/bench/target/benchmarks.jar" "$BENCH_JAR"

stop() { # stop <pid>: TERM, up to 40 s to finish, then KILL
  local pid=$1
  [[ -n $pid ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$GATEWAY_PID"
  stop "$MOCK_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  echo "no free port found" >&2
  return 1
}

# wait_for <file> <text> <pid>: until the log shows the text (60 s at most) or the process exits.
wait_for() {
  for _ in $(seq 1 120); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

machine() {
  local cpu mem
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  mem=$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1024 / 1024}' /proc/meminfo)
  echo "$(nproc) vCPU ${cpu:-unknown CPU}, $mem RAM, Linux $(uname -r), $(java -version 2>&1 | sed -n 2p)"
}

start_mock() {
  [[ -z $MOCK_PID ]] || return 0
  MOCK_PORT=$(free_port)
  java -Xmx256m -cp "$BENCH_JAR" dev.loopgate.bench.MockUpstream --port "$MOCK_PORT" "${MOCK_FLAGS[@]}" \
      > "$WORK/mock.log" 2>&1 &
  MOCK_PID=$!
  for _ in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$MOCK_PORT") 2>/dev/null && return 0
    kill -0 "$MOCK_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "MockUpstream did not start:" >&2; cat "$WORK/mock.log" >&2
  return 1
}

label() { [[ -n $1 ]] && echo "\`$1\`" || echo "JDK defaults (no flags)"; }

# run_one <index> <upstream> <flags>: writes $WORK/run-<index>/{gateway.log,report.md,row.md}.
run_one() {
  local index=$1 upstream=$2 flags=$3 dir=$WORK/run-$1 key port config status=0
  local row_head
  row_head="| $upstream | $(label "$flags")"
  mkdir -p "$dir"
  key=lg-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  port=$(free_port)
  config=$ROOT/bench/memory/gateway.yaml
  if [[ $upstream == mock ]]; then
    start_mock || { echo "$row_head | MockUpstream did not start | | | | | | | **no** |" > "$dir/row.md"; return 1; }
    config=$ROOT/bench/memory/gateway-mock.yaml
  fi
  local jvm=()
  read -r -a jvm <<< "$flags"
  [[ $NMT -eq 1 ]] && jvm+=(-XX:NativeMemoryTracking=summary)
  echo "== [$index] $upstream upstream: java ${jvm[*]} -jar loopgate.jar serve, $STREAMS streams" >&2
  LOOPGATE_BENCH_KEY=$key LOOPGATE_BENCH_DIR=$dir LOOPGATE_BENCH_PORT=$port LOOPGATE_BENCH_UPSTREAM_PORT=${MOCK_PORT:-0} \
    java "${jvm[@]}" -jar "$GATEWAY_JAR" serve --config "$config" > "$dir/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  if ! wait_for "$dir/gateway.log" "loopgate listening on" "$GATEWAY_PID"; then
    echo "the gateway did not start:" >&2; cat "$dir/gateway.log" >&2
    stop "$GATEWAY_PID"; GATEWAY_PID=""
    echo "$row_head | gateway did not start | | | | | | | **no** |" > "$dir/row.md"
    return 1
  fi
  sleep 2
  timeout 300 java -Xmx512m -cp "$BENCH_JAR" dev.loopgate.bench.StreamMemoryClient \
      --port "$port" --key "$key" --pid "$GATEWAY_PID" --streams "$STREAMS" --prompt-bytes "$PROMPT_BYTES" \
      --deadline-s 240 \
      --out "$dir/report.md" --row "$dir/row.md" || status=$?
  stop "$GATEWAY_PID"; GATEWAY_PID=""
  if [[ -f $dir/row.md ]]; then
    printf '%s %s\n' "$row_head" "$(cat "$dir/row.md")" > "$dir/row.md.new" && mv "$dir/row.md.new" "$dir/row.md"
  else
    echo "$row_head | client failed (exit $status) | | | | | | | **no** |" > "$dir/row.md"
  fi
  return "$status"
}

failed=0
for i in "${!RUNS[@]}"; do
  run_one "$i" "${RUNS[$i]%%|*}" "${RUNS[$i]#*|}" || failed=1
done

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD -- gateway 2>/dev/null || commit="$commit + uncommitted gateway changes"
{
  echo "# Memory: $STREAMS concurrent open streams, $(date -u +%F)"
  echo
  echo "- Machine: $(machine)"
  echo "- Gateway: \`loopgate.jar serve\` at $commit, one event loop per core, audit on SQLite, no budgets."
  echo "  Upstream *simulated*: \`bench/memory/gateway.yaml\`, the gateway's own simulated provider"
  echo "  (latency 5ms, chunk_interval 2s), served *inside the measured process*: it holds three sockets"
  echo "  per stream (client→gateway, gateway→provider, the provider's end) and the provider's state."
  echo "  Upstream *mock*: \`bench/memory/gateway-mock.yaml\`, MockUpstream in its own process"
  echo "  (\`${MOCK_FLAGS[*]}\`): the gateway's memory alone, two sockets per stream."
  echo "- Client: \`StreamMemoryClient\` in its own JVM, HTTP/1.1, one connection per stream, all opened at once."
  echo "- Command: \`bench/memory/run-streams.sh\`$([[ $NMT -eq 1 ]] && echo ' --nmt') (streams: $STREAMS;"\
       "prompts: $([[ $PROMPT_BYTES -gt 0 ]] && echo "padded to ~$PROMPT_BYTES bytes" || echo "~250 bytes of JSON"))"
  echo "- Target: $STREAMS streams in ≤ 512 MB RSS, judged on the process's peak RSS (VmHWM)."
  echo "- RSS max, all open: the highest RSS sampled (every 250 ms) while every stream was open;"
  echo "  live heap: \`jcmd GC.class_histogram\` (a full GC) 3 s after the last stream opened."
  echo "- Reading RSS: with ZGC (JDK 17) the heap is mapped three times and each page counts three"
  echo "  times in RSS (the \"shared memory\" part below); socket buffers are kernel memory, not in RSS."
  echo
  echo "| upstream | gateway JVM flags | streams with [DONE] | RSS idle | RSS max, all open | RSS peak | heap used max, all open | live heap, all open | RSS per stream | ≤ 512 MB |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for i in "${!RUNS[@]}"; do cat "$WORK/run-$i/row.md"; done
  for i in "${!RUNS[@]}"; do
    echo
    echo "## ${RUNS[$i]%%|*} upstream, $(label "${RUNS[$i]#*|}")$([[ $NMT -eq 1 ]] && echo ' + NMT')"
    echo
    echo "| | |"
    echo "| --- | --- |"
    [[ -f $WORK/run-$i/report.md ]] && cat "$WORK/run-$i/report.md" || echo "| no report | see the console |"
  done
} > "$OUT"
echo "wrote $OUT" >&2
exit "$failed"
