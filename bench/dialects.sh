#!/usr/bin/env bash
# The three dialects' pass-through, same run: the mock upstream answers chat completions,
# Anthropic Messages and the Responses API alike (the same content and token counts), and one
# embedded-defaults Loopgate serves /v1/chat/completions and /v1/responses from an openai
# provider (responses: native) and /v1/messages from an anthropic provider, all pointed at it.
# Each path is measured direct and through the gateway, closed loop.
#   bash bench/dialects.sh        # DURATION=20s CONNECTIONS=20 BENCH_SKIP_BUILD=1 to reuse jars
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
source "$BENCH/lib.sh"
DURATION=${DURATION:-20s}; WARMUP=${WARMUP:-10s}; CONNECTIONS=${CONNECTIONS:-20}
RUN=$(mktemp -d); PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && mvn -B -q -DskipTests install) && mvn -B -q -f "$BENCH/pom.xml" package
fi
JAR="$BENCH/target/benchmarks.jar"; UP=$(free_port); GW=$(free_port); KEY=lg-bench-messages-key-0001
java -Xmx512m -cp "$JAR" dev.loopgate.bench.MockUpstream --port "$UP" --event-loops 2 --content-bytes 200 \
  > "$RUN/mock.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$UP/" 30
cat > "$RUN/gateway.yaml" <<YAML
server: { host: 127.0.0.1, port: $GW }
audit: { url: "jdbc:sqlite:$RUN/audit.db", spool_dir: "$RUN/spool" }
providers:
  openai: { type: openai, base_url: "http://127.0.0.1:$UP/v1", api_key: sk-bench, responses: native }
  anthropic: { type: anthropic, base_url: "http://127.0.0.1:$UP/v1", api_key: sk-bench }
models:
  chat: { provider: openai, name: mock-chat, input: 1.0, output: 2.0 }
  claude: { provider: anthropic, name: mock-claude, input: 1.0, output: 2.0 }
tiers: { mid: [chat] }
rules: []
keys:
  - { name: bench, role: loop, key: $KEY }
YAML
java -Xms512m -Xmx512m -jar "$ROOT/gateway/target/loopgate.jar" serve --config "$RUN/gateway.yaml" > "$RUN/gw.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$GW/readyz" 60
load() {   # name url model
  java -Xmx512m -cp "$JAR" dev.loopgate.bench.LoadGen --url "$2" --model "$3" --header "Authorization: Bearer $KEY" \
    --header "x-api-key: $KEY" --loop-ids 10 --mode closed --connections "$CONNECTIONS" --duration "$DURATION" \
    --warmup "$WARMUP" --out "$RUN/$1.json" 2> "$RUN/$1.err" | sed "s/^/$1: /"
}
load direct-chat "http://127.0.0.1:$UP/v1/chat/completions" mock-chat
load direct-messages "http://127.0.0.1:$UP/v1/messages" mock-claude
load gateway-chat "http://127.0.0.1:$GW/v1/chat/completions" chat
load gateway-messages "http://127.0.0.1:$GW/v1/messages" claude
load direct-responses "http://127.0.0.1:$UP/v1/responses" mock-chat
load gateway-responses "http://127.0.0.1:$GW/v1/responses" chat
load gateway-chat-again "http://127.0.0.1:$GW/v1/chat/completions" chat
load gateway-messages-again "http://127.0.0.1:$GW/v1/messages" claude
load gateway-responses-again "http://127.0.0.1:$GW/v1/responses" chat
