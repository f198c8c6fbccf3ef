#!/usr/bin/env bash
# Scale-out numbers on this machine (docs/scale-out.md): images/minute through one front with 1 and 2 workers
# (same settings), and the latency a job gains by going through Redis instead of the in-process engine.
# Needs redis-server, redis-cli, curl and a built easel (dotnet build src/McpServer). Usage:
#   docs/scale-out-bench.sh            JOBS=20 STEPS=20 CLIENTS=4 LATENCY_RUNS=20 are the defaults
set -euo pipefail
cd "$(dirname "$0")/.."
EXE=${EASEL_EXE:-src/McpServer/bin/Debug/net10.0/easel}
JOBS=${JOBS:-20} STEPS=${STEPS:-20} CLIENTS=${CLIENTS:-4} LATENCY_RUNS=${LATENCY_RUNS:-20}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export EASEL_EXECUTION_PROVIDER=cpu EASEL_DEFAULT_MODEL=easel-shapes
rport=$((20000 + RANDOM % 10000)) fport=$((30000 + RANDOM % 10000))
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null & pids+=($!)
until redis-cli -p "$rport" ping >/dev/null 2>&1; do sleep 0.1; done

front() { # $1: queue connection or "" for in-process
  mkdir -p "$work/out-$fport"
  EASEL_QUEUE_REDIS="$1" "$EXE" serve --http --urls "http://127.0.0.1:$fport" --out "$work/out-$fport" >"$work/front-$fport.log" 2>&1 & pids+=($!)
  until curl -sf "http://127.0.0.1:$fport/health" >/dev/null; do sleep 0.2; done
}
worker() {
  "$EXE" worker --queue "127.0.0.1:$rport" --name "$1" --model easel-shapes >"$work/$1.log" 2>&1 & pids+=($!)
  until [ -n "$(redis-cli -p "$rport" zscore 'easel:workers:{easel-shapes}' "$1")" ]; do sleep 0.2; done
}
request() { # $1 seed, $2 steps; prints seconds
  curl -sf -o /dev/null -w '%{time_total}\n' -X POST "http://127.0.0.1:$fport/v1/images/generations" \
    -H 'content-type: application/json' -d "{\"prompt\":\"a red circle\",\"size\":\"64x64\",\"steps\":$2,\"seed\":$1}"
}
export -f request; export fport
throughput() { # $1 label
  for s in 1 2 3 4; do request "$s" "$STEPS" >/dev/null; done # warm every worker's sessions
  local t0 t1; t0=$(date +%s.%N)
  seq 100 $((99 + JOBS)) | xargs -P "$CLIENTS" -I{} bash -c "request {} $STEPS >/dev/null"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v n="$JOBS" -v l="$1" 'BEGIN { printf "%s: %d images in %.1f s = %.1f images/minute\n", l, n, b - a, n * 60 / (b - a) }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f", m * 1000 }'; }
latency() { # $1 label; sequential small jobs, so the transport dominates
  for s in 1 2 3; do request "$s" 2 >/dev/null; done
  seq 1 "$LATENCY_RUNS" | while read -r s; do request $((500 + s)) 2; done | median
}

echo "settings: $JOBS jobs, $STEPS steps, 64x64, $CLIENTS concurrent clients; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
front ""; inproc=$(latency); kill "${pids[-1]}"; fport=$((fport + 1))
front "127.0.0.1:$rport"; worker w1
queued=$(latency)
echo "latency (median of $LATENCY_RUNS sequential 2-step jobs): in-process $inproc ms, through the queue $queued ms, added $((queued - inproc)) ms"
throughput "1 worker "
worker w2
throughput "2 workers"
