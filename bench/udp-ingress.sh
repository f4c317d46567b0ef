#!/usr/bin/env bash
# UDP ingress and egress: Elara.Fast against the kernel limit and against plain .NET loops, in one run.
# Run by hand (not in CI). Sender pinned to CPU 0, receiver to CPU 1; every row REPS times; median (min–max).
#
#   bench/udp-ingress.sh                  # 3 repetitions of 2 M datagrams of 200 B per receiver
#   REPS=5 COUNT=4000000 bench/udp-ingress.sh
#   LONG=1 bench/udp-ingress.sh           # adds the 10-million-datagram GC check for both Elara.Fast paths
#   PACED=300000 bench/udp-ingress.sh     # also every receiver at a paced rate (datagrams/s) they all sustain
#   ONLY=egress bench/udp-ingress.sh      # the egress rows alone
#
# Ingress rows (udp-blast → receiver): udp-sink (C recvmmsg, the kernel limit), udp-sink --batch 1 (C, one
# datagram per system call: what any receiver without batching can do), Elara.Fast recvmmsg path and
# portable path (both models: blocking thread, posted event args; into the ingress ring), a default
# `await socket.ReceiveFromAsync` loop, and a blocking `ReceiveFrom(Span, SocketFlags, SocketAddress)` loop on a
# dedicated thread (both count only).
# Egress rows (sender → udp-sink): udp-blast (C sendmmsg), the Elara.Fast Transmit stage on each path, a blocking
# `SendTo(ReadOnlySpan, SocketFlags, SocketAddress)` loop on a dedicated thread (the portable stage's bar) and an
# `await SendToAsync` loop (what most code writes).
# Figures: packets/s, loss, CPU µs per packet (receiver for ingress, sender for egress; user + system time from
# the first datagram to the last), and for .NET receivers GC collections and bytes allocated in that window.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
COUNT=${COUNT:-2000000}
SIZE=${SIZE:-200}
PORT=${PORT:-39517}
RATE=${RATE:-0}
OUT=${OUT:-${TMPDIR:-/tmp}/elara-udp-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

log() { printf '[udp-ingress] %s\n' "$*" >&2; }

log "building native/ and the benchmarks project"
cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native/build -j 2 >/dev/null
dotnet build bench/Elara.Fast.Benchmarks -c Release -nologo -v:q -clp:ErrorsOnly >/dev/null
BLAST=native/build/udp-blast
SINK=native/build/udp-sink
BENCH=(dotnet bench/Elara.Fast.Benchmarks/bin/Release/net10.0/Elara.Fast.Benchmarks.dll)

# Starts a receiver on CPU 1, waits for its "ready" line, runs the sender on CPU 0, waits for both.
#   run_pair NAME "receiver command" "sender command"
run_pair() {
  local name=$1 receiver=$2 sender=$3 rep=$4
  local rx_out="$OUT/$name.$rep.rx" rx_err="$OUT/$name.$rep.rx.err" tx_out="$OUT/$name.$rep.tx"
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
  printf '%s rep=%s rx: %s\n%s rep=%s tx: %s\n' "$name" "$rep" "$(cat "$rx_out")" "$name" "$rep" "$(cat "$tx_out")" >>"$OUT/raw.txt"
}

blast="$BLAST --dest 127.0.0.1 --port $PORT --size $SIZE --count $COUNT --rate $RATE"
ingress() { echo "${BENCH[*]} ingress --mode $1 --port $PORT --count $COUNT --idle-ms 1000"; }

for rep in $(seq 1 "$REPS"); do
  log "repetition $rep of $REPS"
  if [ "${ONLY:-}" != egress ]; then
  run_pair udp-sink "$SINK --port $PORT --expect $COUNT --idle-ms 1000" "$blast" "$rep"
  run_pair udp-sink-1 "$SINK --port $PORT --expect $COUNT --idle-ms 1000 --batch 1" "$blast" "$rep"
  for mode in recvmmsg portable portable-eventargs async blocking; do
    run_pair "dotnet-$mode" "$(ingress "$mode")" "$blast" "$rep"
  done
  if [ -n "${PACED:-}" ]; then
    paced="$BLAST --dest 127.0.0.1 --port $PORT --size $SIZE --count $COUNT --rate $PACED"
    run_pair paced-udp-sink "$SINK --port $PORT --expect $COUNT --idle-ms 1000" "$paced" "$rep"
    run_pair paced-udp-sink-1 "$SINK --port $PORT --expect $COUNT --idle-ms 1000 --batch 1" "$paced" "$rep"
    for mode in recvmmsg portable portable-eventargs async blocking; do
      run_pair "paced-dotnet-$mode" "$(ingress "$mode")" "$paced" "$rep"
    done
  fi
  fi
  run_pair egress-udp-blast "$SINK --port $PORT --expect $COUNT --idle-ms 1000" "$blast" "$rep"
  for mode in recvmmsg portable blocking async; do
    run_pair "egress-$mode" "$SINK --port $PORT --expect $COUNT --idle-ms 1000" \
      "${BENCH[*]} egress --mode $mode --dest 127.0.0.1 --port $PORT --count $COUNT --size $SIZE" "$rep"
  done
done

if [ "${LONG:-0}" = 1 ]; then
  for mode in recvmmsg portable; do
    log "10-million-datagram GC check: $mode"
    run_pair "long-$mode" "${BENCH[*]} ingress --mode $mode --port $PORT --count 10000000 --idle-ms 1000" \
      "$BLAST --dest 127.0.0.1 --port $PORT --size $SIZE --count 10000000 --rate $RATE" 1
  done
fi

python3 - "$OUT/raw.txt" "$COUNT" "$SIZE" "${PACED:-}" <<'PY' | tee "$OUT/summary.md"
import re, statistics, sys
raw, count, size, paced = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = {}
for line in open(raw):
    m = re.match(r'(\S+) rep=(\d+) (rx|tx): (.*)', line.strip())
    if not m:
        continue
    name, _, side, text = m.groups()
    fields = dict(kv.split('=', 1) for kv in text.split() if '=' in kv)
    rows.setdefault((name, side), []).append(fields)

def stat(name, side, key):
    values = [float(f[key]) for f in rows.get((name, side), []) if key in f]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)

def fmt(s, digits=3, scale=1.0):
    if s is None:
        return 'n/a'
    med, lo, hi = (v * scale for v in s)
    return f'{med:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})'

RECEIVERS = [('udp-sink', 'C udp-sink (recvmmsg)'), ('udp-sink-1', 'C udp-sink --batch 1 (one datagram per system call)'), ('dotnet-recvmmsg', 'Elara.Fast recvmmsg path → ring'),
             ('dotnet-portable', 'Elara.Fast portable path, blocking thread → ring'),
             ('dotnet-portable-eventargs', 'Elara.Fast portable path, posted event args → ring'),
             ('dotnet-async', 'await ReceiveFromAsync loop'),
             ('dotnet-blocking', 'blocking ReceiveFrom(Span, …, SocketAddress) loop')]

def ingress_table(prefix, title):
    runs = max((len(v) for k, v in rows.items() if k[0].startswith(prefix + 'dotnet-') or k[0] == prefix + 'udp-sink'), default=0)
    print(f'### {title}, {count} datagrams of {size} B per run, median (min–max) of {runs} runs\n')
    print('| receiver | received pkt/s | loss % | receiver CPU µs/pkt | of which user µs/pkt | CPU ratio vs udp-sink | CPU ratio vs blocking loop | GC gen0 | allocated B | sender pkt/s |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    base = stat(prefix + 'udp-sink', 'rx', 'cpu_us_per_pkt')
    blocking = stat(prefix + 'dotnet-blocking', 'rx', 'cpu_us_per_pkt')
    for name, label in RECEIVERS:
        name = prefix + name
        cpu = stat(name, 'rx', 'cpu_us_per_pkt')
        ratio = lambda b: 'n/a' if cpu is None or b is None else f'{cpu[0] / b[0]:.2f}'
        print(f"| {label} | {fmt(stat(name, 'rx', 'pps'), 0, 1)} | {fmt(stat(name, 'rx', 'loss_pct'), 2)} | {fmt(cpu)} | {fmt(stat(name, 'rx', 'user_us_per_pkt'))} | {ratio(base)} | {ratio(blocking)} | "
              f"{fmt(stat(name, 'rx', 'gc0'), 0)} | {fmt(stat(name, 'rx', 'allocated_bytes'), 0)} | {fmt(stat(name, 'tx', 'pps'), 0)} |")

ingress_table('', "UDP ingress at the sender's full rate")
if paced:
    print()
    ingress_table('paced-', f'UDP ingress paced at {paced} datagrams/s')
print()
print('### UDP egress (receiver: udp-sink on CPU 1)\n')
print('| sender | sent pkt/s | sender CPU µs/pkt | of which user µs/pkt | CPU ratio vs udp-blast | CPU ratio vs blocking loop | GC gen0 | allocated B | loss at udp-sink % |')
print('|---|---|---|---|---|---|---|---|---|')
blast = stat('egress-udp-blast', 'tx', 'cpu_us_per_pkt')
blocking = stat('egress-blocking', 'tx', 'cpu_us_per_pkt')
for name, label in [('egress-udp-blast', 'C udp-blast (sendmmsg ×64)'), ('egress-recvmmsg', 'Elara.Fast Transmit stage, sendmmsg'),
                    ('egress-portable', 'Elara.Fast Transmit stage, portable SendTo'),
                    ('egress-blocking', 'blocking SendTo(Span, …, SocketAddress) loop, dedicated thread'),
                    ('egress-async', 'await SendToAsync loop')]:
    cpu = stat(name, 'tx', 'cpu_us_per_pkt')
    ratio = lambda b: 'n/a' if cpu is None or b is None else f'{cpu[0] / b[0]:.2f}'
    print(f"| {label} | {fmt(stat(name, 'tx', 'pps'), 0)} | {fmt(cpu)} | {fmt(stat(name, 'tx', 'user_us_per_pkt'))} | {ratio(blast)} | {ratio(blocking)} | "
          f"{fmt(stat(name, 'tx', 'gc0'), 0)} | {fmt(stat(name, 'tx', 'allocated_bytes'), 0)} | {fmt(stat(name, 'rx', 'loss_pct'), 2)} |")
for name in ('long-recvmmsg', 'long-portable'):
    if (name, 'rx') in rows:
        f = rows[(name, 'rx')][0]
        print(f"\n{name}: received={f.get('received')} loss={f.get('loss_pct')}% cpu_us_per_pkt={f.get('cpu_us_per_pkt')} "
              f"gc0={f.get('gc0')} gc1={f.get('gc1')} gc2={f.get('gc2')} allocated_bytes={f.get('allocated_bytes')}")
PY
log "raw lines and summary in $OUT"
