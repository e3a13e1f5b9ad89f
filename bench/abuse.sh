#!/usr/bin/env bash
# A hostile client against a gateway with a 512 MB heap, while a normal loop keeps calling:
#
#   bench/abuse.sh
#
# Starts the mock upstream and Loopgate on its embedded defaults (-Xmx512m), measures a normal
# loop's latency alone, then again while, from another loopback address, unauthenticated
# connections each announce a ~4 MB body and send all of it but the last byte, heads trickle a
# byte a second and connections are opened and left silent. Writes bench/results/abuse-<date>.json
# and .md. Every process it starts is stopped on exit. About a minute.
#
# Knobs (environment): ABUSE_DURATION (20s), ABUSE_FLOOD (64), ABUSE_BODY_BYTES (4000000),
# ABUSE_SLOW_HEADS (200), ABUSE_HALF_OPEN (400), ABUSE_RECONNECT_PAUSE (100ms; 0 is a connect storm
# that takes the shared cores from the gateway), ABUSE_HEAP (512m), ABUSE_PORT_BASE (19950),
# ABUSE_SERVER_SETTINGS (extra `server:` fields, e.g. "max_connections_per_address: 0"),
# BENCH_SKIP_BUILD (0), BENCH_RESULTS (bench/results).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
RESULTS=${BENCH_RESULTS:-$BENCH/results}
BASE=${ABUSE_PORT_BASE:-19950}
UPSTREAM_PORT=$((BASE + 1)); PORT=$((BASE + 2))
KEY="lg-bench-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
RUN=$(mktemp -d /tmp/loopgate-abuse.XXXXXX)
DATE=$(date -u +%F)
PIDS=()

. "$BENCH/lib.sh"
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  log "run files kept in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building the gateway and the bench jar"
  (cd "$ROOT" && mvn -B -q install -DskipTests) >&2
  (cd "$ROOT" && mvn -B -q -f bench/pom.xml package -DskipTests) >&2
fi

java -Xmx256m -cp "$BENCH/target/benchmarks.jar" dev.loopgate.bench.MockUpstream --port "$UPSTREAM_PORT" \
  --event-loops 1 > "$RUN/mock.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$UPSTREAM_PORT/" 30

sed -e "s/@PORT@/$PORT/; s/@UPSTREAM_PORT@/$UPSTREAM_PORT/; s/@KEY@/$KEY/" "$BENCH/loopgate/embedded.yaml" \
  | sed -e "s/^server: { host: 127.0.0.1, port: $PORT }/server: { host: 127.0.0.1, port: $PORT${ABUSE_SERVER_SETTINGS:+, $ABUSE_SERVER_SETTINGS} }/" \
  > "$RUN/gateway.yaml"
HEAP=${ABUSE_HEAP:-512m}
(cd "$RUN" && exec java -Xms"$HEAP" -Xmx"$HEAP" -XX:+ExitOnOutOfMemoryError -jar "$ROOT/gateway/target/loopgate.jar" \
  serve --config "$RUN/gateway.yaml" > "$RUN/loopgate.log" 2>&1) &
GATEWAY_PID=$!
PIDS+=("$GATEWAY_PID")
wait_http "http://127.0.0.1:$PORT/readyz" 60

log "normal loop alone, then under abuse, for ${ABUSE_DURATION:-20s} each"
java -Xmx1g -cp "$BENCH/target/benchmarks.jar" dev.loopgate.bench.AbuseLoad --url "http://127.0.0.1:$PORT" \
  --key "$KEY" --duration "${ABUSE_DURATION:-20s}" --flood "${ABUSE_FLOOD:-64}" \
  --body-bytes "${ABUSE_BODY_BYTES:-4000000}" --slow-heads "${ABUSE_SLOW_HEADS:-200}" \
  --half-open "${ABUSE_HALF_OPEN:-400}" --reconnect-pause "${ABUSE_RECONNECT_PAUSE:-100ms}" --out "$RUN/abuse.json" > "$RUN/abuse.out" 2> "$RUN/abuse.err"

ALIVE=no; kill -0 "$GATEWAY_PID" 2>/dev/null && ALIVE=yes
mkdir -p "$RESULTS"
cp "$RUN/abuse.json" "$RESULTS/abuse-$DATE.json"
REFUSALS=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^loopgate_client_refusals_total' || true)
{
  echo "# Abuse: unauthenticated large bodies, slow heads and silent connections ($DATE)"
  echo
  echo "Machine: $(nproc) cores; gateway: embedded defaults, -Xmx$HEAP${ABUSE_SERVER_SETTINGS:+, server: $ABUSE_SERVER_SETTINGS}; command: \`bench/abuse.sh\`."
  echo "Gateway process alive at the end: $ALIVE."
  echo
  echo '```json'
  cat "$RUN/abuse.json"
  echo '```'
  echo
  echo "Refusals counted by the gateway (\`/metrics\`):"
  echo
  echo '```'
  echo "${REFUSALS:-none (the gateway did not answer /metrics)}"
  echo '```'
  grep -q "OutOfMemoryError" "$RUN/loopgate.log" && { echo; echo "The gateway log reports an OutOfMemoryError."; }
} > "$RESULTS/abuse-$DATE.md"
cat "$RESULTS/abuse-$DATE.md"
