#!/usr/bin/env bash
# The node's whole ingress pipeline against transport-only ingress and against LiteNetLib 2.1.5, in one run.
# Run by hand (not in CI). Sender pinned to CPU 0, receiver to CPU 1, as bench/udp-ingress.sh pins them.
#
#   bench/node-ingress.sh                    # 1 repetition, 1 M frames of 200 B per row, paced rows at 50 k/s
#   REPS=3 COUNT=2000000 PACED=100000 bench/node-ingress.sh
#
# Rows:
#   transport   udp-blast (C sendmmsg) → `ingress --mode recvmmsg`: the transport-only receiver (into the ring)
#   node        node-send (IK handshake, frames sealed with real keys) → node-receive (transport → Open →
#               Dispatch → Apply → an IFrameHandler), the degradation controller set never to step in
#   lnl         LiteNetLib sender → receiver, DeliveryMethod.Unreliable, unencrypted 200-byte messages
#   paced-*     the same at PACED frames/s, below saturation, for latency (receive timestamp → handler);
#               paced-node-busyspin with the receiver's stages busy-spinning instead of the default backoff
# Receiver CPU µs per frame is user + system time from the first frame to the last; the capacity ratio
# node/transport is the inverse ratio of those CPU costs (a receiver core's frames per CPU-second).
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-1}
COUNT=${COUNT:-1000000}
SIZE=${SIZE:-200}
PORT=${PORT:-39617}
PACED=${PACED:-50000}
OUT=${OUT:-${TMPDIR:-/tmp}/elara-node-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
log() { printf '[node-ingress] %s\n' "$*" >&2; }

log "building native/ and the benchmarks project"
cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native/build -j 2 >/dev/null
dotnet build bench/Elara.Fast.Benchmarks -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null
BLAST=native/build/udp-blast
BENCH="dotnet bench/Elara.Fast.Benchmarks/bin/Release/net10.0/Elara.Fast.Benchmarks.dll"
KEY="$OUT/receiver.key"

run_pair() {
  local name=$1 receiver=$2 sender=$3 rep=$4
  local rx_out="$OUT/$name.$rep.rx" rx_err="$OUT/$name.$rep.rx.err" tx_out="$OUT/$name.$rep.tx"
  rm -f "$KEY"
  # shellcheck disable=SC2086
  taskset -c 1 $receiver >"$rx_out" 2>"$rx_err" &
  local rx_pid=$!
  for _ in $(seq 1 300); do
    grep -q ready "$rx_err" 2>/dev/null && break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  taskset -c 0 $sender >"$tx_out" 2>&1 || true
  wait "$rx_pid" || true
  printf '%s rep=%s rx: %s\n%s rep=%s tx: %s\n' "$name" "$rep" "$(cat "$rx_out")" "$name" "$rep" "$(tail -n 1 "$tx_out")" >>"$OUT/raw.txt"
}

for rep in $(seq 1 "$REPS"); do
  log "repetition $rep of $REPS"
  run_pair transport "$BENCH ingress --mode recvmmsg --port $PORT --count $COUNT --idle-ms 1500" \
    "$BLAST --dest 127.0.0.1 --port $PORT --size $SIZE --count $COUNT" "$rep"
  run_pair node "$BENCH node-receive --port $PORT --count $COUNT --key-file $KEY" \
    "$BENCH node-send --port $PORT --count $COUNT --size $SIZE --key-file $KEY" "$rep"
  run_pair lnl "$BENCH lnl-receive --port $PORT --count $COUNT" \
    "$BENCH lnl-send --port $PORT --count $COUNT --size $SIZE" "$rep"
  run_pair paced-node "$BENCH node-receive --port $PORT --count $COUNT --key-file $KEY" \
    "$BENCH node-send --port $PORT --count $COUNT --size $SIZE --key-file $KEY --rate $PACED" "$rep"
  run_pair paced-node-busyspin "$BENCH node-receive --port $PORT --count $COUNT --key-file $KEY --wait busyspin" \
    "$BENCH node-send --port $PORT --count $COUNT --size $SIZE --key-file $KEY --rate $PACED" "$rep"
  run_pair paced-lnl "$BENCH lnl-receive --port $PORT --count $COUNT" \
    "$BENCH lnl-send --port $PORT --count $COUNT --size $SIZE --rate $PACED" "$rep"
done
log "raw lines in $OUT/raw.txt"
cat "$OUT/raw.txt"
