# Shell helpers shared by the e2e scripts (sourced, not run): a work folder and the processes
# started in it, stopped and removed on exit; PASS/FAIL lines; the jar; an npm CLI; the gateway.
source "$ROOT/bench/lib.sh"
WORK=$(mktemp -d)
PIDS=()
FAILED=0
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
result() { if [ "$2" = PASS ]; then echo "PASS $1"; else echo "FAIL $1: $3"; FAILED=1; fi; }
LOOP_KEY=lg-e2e-loop-key-0001; FINANCE_KEY=lg-e2e-finance-key-0002; ADMIN_KEY=lg-e2e-admin-key-0003
JAR="$ROOT/gateway/target/loopgate.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package) || { echo "FAIL build"; exit 1; }

npm_cli() {   # package version: installs it under $WORK/npm (the bin is then in $WORK/npm/node_modules/.bin)
  log "installing $1@$2"
  npm install --prefix "$WORK/npm" --no-audit --no-fund --loglevel=error "$1@$2" >/dev/null \
    || { echo "FAIL npm install $1"; exit 1; }
}

start_gateway() {   # port, with $WORK/gateway.yaml written; the e2e keys are appended to it
  cat >> "$WORK/gateway.yaml" <<YAML
keys:
  - { name: e2e-loop, role: loop, key: $LOOP_KEY }
  - { name: e2e-finance, role: finance, key: $FINANCE_KEY }
  - { name: e2e-admin, role: admin, key: $ADMIN_KEY }
YAML
  # no warm-up: these cases check behaviour, not speed
  java -Xmx512m -jar "$JAR" serve --config "$WORK/gateway.yaml" --warmup-calls 0 > "$WORK/gateway.log" 2>&1 & PIDS+=($!)
  wait_http "http://127.0.0.1:$1/readyz" 60 || { echo "FAIL gateway did not start"; tail -20 "$WORK/gateway.log"; exit 1; }
}

loop_report() {   # gateway-port loop -> "calls cost" from the finance report
  curl -sf -H "Authorization: Bearer $FINANCE_KEY" "http://127.0.0.1:$1/reports/spend?loop=$2&group_by=loop" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s).totals;console.log(t.calls+" "+t.cost_usd)})'
}
