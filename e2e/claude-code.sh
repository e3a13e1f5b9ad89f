#!/usr/bin/env bash
# Claude Code (from npm) as a governed loop: it runs headless through Loopgate against a local
# upstream that answers as Anthropic does and scripts a short tool-using session. Everything
# listens on 127.0.0.1 and stops by itself. Prints PASS or FAIL per case; exits 1 on any FAIL.
#
#   bash e2e/claude-code.sh            # CLAUDE_CODE_VERSION=latest by default
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/e2e/lib.sh"
npm_cli @anthropic-ai/claude-code "${CLAUDE_CODE_VERSION:-latest}"
CLAUDE="$WORK/npm/node_modules/.bin/claude"

UP=$(free_port); GW=$(free_port)
node "$ROOT/e2e/fake-anthropic.mjs" "$UP" "$WORK/upstream.log" & PIDS+=($!)
cat > "$WORK/gateway.yaml" <<YAML
server: { host: 127.0.0.1, port: $GW }
audit: { url: "jdbc:sqlite:$WORK/audit.db", spool_dir: "$WORK/spool" }
providers:
  anthropic: { type: anthropic, base_url: "http://127.0.0.1:$UP/v1", api_key: sk-ant-e2e-upstream }
models:
  sonnet: { provider: anthropic, name: claude-sonnet-4-5-20250929, input: 3.0, output: 15.0, max_output_tokens: 64000 }
  haiku:  { provider: anthropic, name: claude-haiku-4-5-20251001, input: 1.0, output: 5.0, max_output_tokens: 64000 }
tiers: { frontier: [sonnet], mid: [sonnet], light: [haiku] }
aliases: { "claude-haiku-*": light, "claude-*": mid }
rules: []
budgets:
  loops:
    "e2e-broke": { usd: 0.01 }
tools:
  "e2e-guarded": { approve: [{ tool: Bash, args: "git push" }] }
YAML
start_gateway "$GW"

claude_as() {   # loop prompt output
  HOME="$WORK/home-$1" ANTHROPIC_BASE_URL="http://127.0.0.1:$GW" ANTHROPIC_AUTH_TOKEN="$LOOP_KEY" \
    ANTHROPIC_API_KEY="" ANTHROPIC_CUSTOM_HEADERS="X-Loop-Id: $1" DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1 \
    DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
    timeout 180 "$CLAUDE" -p "$2" --output-format json --allowedTools Bash --max-turns 4 > "$3" 2> "$3.err" < /dev/null
}
json_field() { node -e 'let s=require("fs").readFileSync(process.argv[1],"utf8");try{const j=JSON.parse(s);console.log(String(j[process.argv[2]]))}catch(e){console.log("")}' "$1" "$2"; }

# 1. a short session completes, every call audited with its cost
claude_as e2e-ok "Run 'echo hello-from-loopgate' with the Bash tool and tell me what it printed." "$WORK/ok.json"
status=$?
answer=$(json_field "$WORK/ok.json" result)
if [ $status -ne 0 ] || [[ "$answer" != *hello-from-loopgate* ]]; then
  result "session completes through the gateway" FAIL "exit $status, result '$answer' $(head -c 300 "$WORK/ok.json.err")"
else
  result "session completes through the gateway" PASS
fi
report=""
for _ in $(seq 1 50); do report=$(loop_report "$GW" e2e-ok); [ "${report%% *}" -ge 2 ] 2>/dev/null && break; sleep 0.2; done
calls=${report%% *}; cost=${report#* }
upstream_calls=$(grep -c "POST /v1/messages " "$WORK/upstream.log" 2>/dev/null || echo 0)
if [ "${calls:-0}" -ge 2 ] 2>/dev/null && node -e "process.exit(Number('$cost')>0?0:1)"; then
  result "every call is audited with its cost ($calls calls, \$$cost; upstream saw $upstream_calls)" PASS
else
  result "every call is audited with its cost" FAIL "report '$report', upstream saw $upstream_calls"
fi

# 2. a budget below the session's cost stops it, and Claude Code reports the 402
claude_as e2e-broke "Run 'echo hello-from-loopgate' with the Bash tool." "$WORK/broke.json"
output="$(cat "$WORK/broke.json" "$WORK/broke.json.err")"
if [[ "$output" == *budget_exceeded* ]]; then
  said=$(echo "$output" | grep -o 'budget_exceeded[^"]*' | head -1 | cut -c1-160)
  result "a budget below the session's cost stops it with the 402 message ('$said')" PASS
else
  result "a budget below the session's cost stops it with the 402 message" FAIL "$(echo "$output" | head -c 400)"
fi
# 3. a session whose model proposes `git push` is stopped with the approval message; once an admin
#    approves, the same session asked again gets the held answer and goes on
admin() { curl -s -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' "$@"; }
PUSH="Please push the branch with the Bash tool."
claude_as e2e-guarded "$PUSH" "$WORK/held.json"
output="$(cat "$WORK/held.json" "$WORK/held.json.err")"
approval=$(admin "http://127.0.0.1:$GW/admin/approvals?state=pending" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s).data.find(x=>x.loop_id==="e2e-guarded");console.log(a?a.id+" "+a.calls[0].arguments:"")})')
id=${approval%% *}
if [[ "$output" == *approval_required* ]] && [[ "$output" == *"$id"* ]] && [[ "$approval" == *"git push"* ]] \
    && [[ "$output" != *pushed-after-approval* ]]; then
  result "a proposed 'git push' stops the session with the approval message ($id)" PASS
else
  result "a proposed 'git push' stops the session with the approval message" FAIL "approval '$approval', output $(echo "$output" | head -c 400)"
fi
decided=$(admin -X POST -d '{"reason":"dry run only"}' "http://127.0.0.1:$GW/admin/approvals/$id/approve")
claude_as e2e-guarded "$PUSH" "$WORK/approved.json"
status=$?
answer=$(json_field "$WORK/approved.json" result)
if [[ "$decided" == *'"approved"'* ]] && [ $status -eq 0 ] && [[ "$answer" == *pushed-after-approval* ]]; then
  result "after the approval the session gets the held call and goes on ('$(echo "$answer" | head -c 80)')" PASS
else
  result "after the approval the session goes on" FAIL "decision '$decided', exit $status, result '$answer' $(head -c 300 "$WORK/approved.json.err")"
fi
exit $FAILED
