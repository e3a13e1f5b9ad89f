#!/usr/bin/env bash
# Codex (from npm) as a governed loop: `codex exec` runs headless through Loopgate's
# /v1/responses against a local upstream that serves the Responses API (responses: native:
# Codex offers built-in tools, which only such a provider can run) and scripts a short
# tool-using session. Everything listens on 127.0.0.1 and stops
# by itself. Prints PASS or FAIL per case; exits 1 on any FAIL.
#
#   bash e2e/codex.sh            # CODEX_VERSION=latest by default
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/e2e/lib.sh"
npm_cli @openai/codex "${CODEX_VERSION:-latest}"
CODEX="$WORK/npm/node_modules/.bin/codex"

UP=$(free_port); GW=$(free_port)
node "$ROOT/e2e/fake-responses.mjs" "$UP" "$WORK/upstream.log" & PIDS+=($!)
cat > "$WORK/gateway.yaml" <<YAML
server: { host: 127.0.0.1, port: $GW }
audit: { url: "jdbc:sqlite:$WORK/audit.db", spool_dir: "$WORK/spool" }
providers:
  openai: { type: openai, base_url: "http://127.0.0.1:$UP/v1", api_key: sk-e2e-upstream, responses: native }
models:
  coder: { provider: openai, name: coder-1, input: 1.25, output: 10.0, max_output_tokens: 32000 }
tiers: { frontier: [coder], mid: [coder], light: [coder] }
aliases: { "*": mid }
rules: []
YAML
start_gateway "$GW"

codex_as() {   # loop prompt output
  local home="$WORK/codex-$1"
  mkdir -p "$home" "$WORK/repo-$1"
  cat > "$home/config.toml" <<TOML
model = "gpt-5-codex"
model_provider = "loopgate"

[model_providers.loopgate]
name = "Loopgate"
base_url = "http://127.0.0.1:$GW/v1"
env_key = "LOOPGATE_KEY"
wire_api = "responses"
http_headers = { "X-Loop-Id" = "$1" }
TOML
  (cd "$WORK/repo-$1" && CODEX_HOME="$home" LOOPGATE_KEY="$LOOP_KEY" OPENAI_API_KEY="" timeout 180 "$CODEX" exec \
    --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox "$2" > "$3" 2> "$3.err" < /dev/null)
}

# 1. a short session completes, its calls audited and charged
codex_as codex-ok "Run 'echo hello-from-loopgate' in the shell and tell me what it printed." "$WORK/ok.txt"
status=$?
if [ $status -ne 0 ] || ! grep -q "hello-from-loopgate. Done" "$WORK/ok.txt" "$WORK/ok.txt.err"; then
  result "session completes through the gateway" FAIL "exit $status; $(tail -c 600 "$WORK/ok.txt.err")"
else
  result "session completes through the gateway" PASS
fi
report=""
for _ in $(seq 1 50); do report=$(loop_report "$GW" codex-ok); [ "${report%% *}" -ge 2 ] 2>/dev/null && break; sleep 0.2; done
calls=${report%% *}; cost=${report#* }
tool_result=$(grep -c "POST" "$WORK/upstream.log" 2>/dev/null || echo 0)
if [ "${calls:-0}" -ge 2 ] 2>/dev/null && node -e "process.exit(Number('$cost')>0?0:1)"; then
  result "its calls are audited and charged ($calls calls, \$$cost; upstream saw $tool_result)" PASS
else
  result "its calls are audited and charged" FAIL "report '$report', upstream saw $tool_result"
fi

# 2. a paused loop stops it, with the 403 message visible to the user
curl -sf -X POST -H "Authorization: Bearer $ADMIN_KEY" -H "content-type: application/json" \
  -d '{"reason":"held for review"}' "http://127.0.0.1:$GW/admin/loops/codex-held/pause" > /dev/null
codex_as codex-held "Run 'echo hello-from-loopgate' in the shell." "$WORK/held.txt"
output="$(cat "$WORK/held.txt" "$WORK/held.txt.err")"
if [[ "$output" == *"held for review"* ]] || [[ "$output" == *loop_paused* ]] || [[ "$output" == *"is paused"* ]]; then
  said=$(echo "$output" | grep -o "[^\"]*paused[^\"]*" | head -1 | cut -c1-160)
  result "a paused loop stops it with the 403 message ('$said')" PASS
else
  result "a paused loop stops it with the 403 message" FAIL "$(echo "$output" | tail -c 500)"
fi
exit $FAILED
