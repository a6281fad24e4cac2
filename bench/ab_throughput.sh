#!/bin/bash
# A/B throughput of one route between two checkouts, in alternating wrk rounds on the same
# fake Ollama, so that a busy or noisy machine moves both sides alike.
#   bench/ab_throughput.sh OLD_CHECKOUT NEW_CHECKOUT [PATH] [ROUNDS]   (LOG_LEVEL as users run it unless set)
# e.g. git worktree add /tmp/ab-old HEAD~1 && bench/ab_throughput.sh /tmp/ab-old . / 5
set -euo pipefail
OLD=$(cd "$1" && pwd); NEW=$(cd "$2" && pwd); ROUTE=${3:-/}; ROUNDS=${4:-5}
# The deno binary itself, so that stopping a side stops the server (not only npx).
DENO=${DENO:-$(npx -y deno@2.9.6 eval 'console.log(Deno.execPath())')}
FAKE_PORT=18434; OLD_PORT=18501; NEW_PORT=18502
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
(cd "$NEW" && FAKE_OLLAMA_PORT=$FAKE_PORT exec $DENO run --allow-net --allow-env \
  tests/fakes/fake_ollama.ts >/dev/null 2>&1) & pids+=($!)
for side in "$OLD:$OLD_PORT" "$NEW:$NEW_PORT"; do
  dir=${side%:*}; port=${side##*:}
  (cd "$dir" && OLLAMA_URL=http://127.0.0.1:$FAKE_PORT DATA_DIR=$(mktemp -d) LOG_LEVEL=${LOG_LEVEL:-INFO} \
    OLLAMA_STARTUP_CHECK=false exec $DENO run -A --v8-flags=--max-semi-space-size=1 main.ts \
    --no-open --port "$port" >/dev/null 2>&1) & pids+=($!)
done
for port in $OLD_PORT $NEW_PORT; do
  until curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.5; done
  wrk -t2 -c16 -d2s "http://127.0.0.1:$port$ROUTE" >/dev/null # warm-up
done
for round in $(seq "$ROUNDS"); do
  # Alternate which side goes first.
  order="$OLD_PORT $NEW_PORT"; [ $((round % 2)) -eq 0 ] && order="$NEW_PORT $OLD_PORT"
  for port in $order; do
    side=old; [ "$port" = $NEW_PORT ] && side=new
    echo "round $round $side $(wrk -t2 -c16 -d5s "http://127.0.0.1:$port$ROUTE" |
      awk '/Requests\/sec/ {print $2}') requests/s"
  done
done
