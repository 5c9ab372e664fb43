#!/usr/bin/env bash
# Phantom on a real `jackd -d dummy` (48 kHz, 8 × 8), studio-8x8 with its 8 inputs mixed into
# main, hp1 and hp2:
#   1. soak: PHANTOM_SOAK_SECONDS (600; 0 skips it) at 1024 frames; xruns seen by the server,
#      those jackd names Phantom in, xruns counted by Phantom, and its reported DSP load (every
#      10 s);
#   2. late cycles per hour at PHANTOM_XRUN_FRAMES (64 128 256), Phantom and a trivial 8 × 8
#      pass-through client side by side on the same server at the same time, each one's counted
#      from jackd's log: PHANTOM_XRUN_ROUNDS (2) rounds of PHANTOM_XRUN_SECONDS (120), the order
#      in which the two are activated alternating between rounds, counts kept per position
#      (each round's running sums go to stderr); PHANTOM_XRUN_CONTROL=1 runs the same rounds
#      for two pass-throughs first;
#   3. the time from an HTTP parameter change to the audio, at 256 frames.
# PHANTOM_XRUN_TRACE=1 (root, tracefs) also records the kernel's scheduler trace in each round
# of 2. and splits each client's cycles into the wait for a CPU and its own run
# (bench/late_cycle_causes.py): every wait or run over 500 us is counted, a wait with its cause
# (a stalled vCPU, or the CPU kept by another task).
# PHANTOM_NOISE=1 runs two memory walkers at nice 19 throughout (one per core, 64 MiB copied
# over and over): a noisy neighbour that empties the caches and the TLB between cycles, so that
# a quiet day can be made noisy on purpose.
# Nothing is asserted: the figures are printed, and docs/benchmarks.md keeps the last ones.
#
# Usage: bench/jack_soak.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
phantom="$build/phantom"
probe="$build/bench/phantom-jack-probe"
for tool in "$phantom" "$probe"; do
  [ -x "$tool" ] || { echo "jack_soak: $tool not built (run scripts/setup.sh)" >&2; exit 2; }
done
command -v jackd >/dev/null || { echo "jack_soak: jackd is not installed" >&2; exit 2; }
soak_s=${PHANTOM_SOAK_SECONDS:-600}
xrun_s=${PHANTOM_XRUN_SECONDS:-120}
server=phantom-bench-$$
work=$(mktemp -d)
jackd_pid="" phantom_pid=""

stop_pid() {  # PID (may be empty): SIGTERM, so that clients and jackd unregister their names
  if [ -n "$1" ]; then kill -TERM "$1" 2>/dev/null || true; wait "$1" || true; fi
}
stop_phantom() { stop_pid "$phantom_pid"; phantom_pid=""; }
stop_jackd() { stop_pid "$jackd_pid"; jackd_pid=""; }
# A peer (the probe's pass-through client) for SECONDS, named NAME (thru); stopped by
# stop_peers if still running.
peer_pids=()
declare -A client_pid  # NAME → pid, for the trace
start_peer() {
  "$probe" thru "$server" "$1" "${2:-thru}" >/dev/null &
  peer_pids+=($!) client_pid[${2:-thru}]=$!
  sleep 0.5
}
stop_peers() { for pid in "${peer_pids[@]}"; do stop_pid "$pid"; done; peer_pids=(); }
noise_pids=()
stop_noise() { for pid in "${noise_pids[@]}"; do stop_pid "$pid"; done; noise_pids=(); }
tracefs=/sys/kernel/tracing
trace_on() { [ "${PHANTOM_XRUN_TRACE:-0}" = 1 ]; }
stop_trace() { if trace_on; then echo 0 >"$tracefs/tracing_on"; echo >"$tracefs/set_event"; fi; }
trace_kb=""  # the kernel's trace buffer size before, given back at the end
restore_trace_buffer() { if [ -n "$trace_kb" ]; then echo "$trace_kb" >"$tracefs/buffer_size_kb"; fi; }
trap 'stop_trace; restore_trace_buffer; stop_noise; stop_phantom; stop_peers; stop_jackd; rm -rf "$work"' EXIT
if trace_on; then
  [ -w "$tracefs/set_event" ] || mount -t tracefs nodev "$tracefs" 2>/dev/null || true
  if [ ! -w "$tracefs/set_event" ]; then
    echo "jack_soak: PHANTOM_XRUN_TRACE=1 needs root and $tracefs" >&2
    exit 2
  fi
  trace_kb=$(awk '{ print $1 + 0; exit }' "$tracefs/buffer_size_kb")  # "1410 (expanded: …)"
  echo 65536 >"$tracefs/buffer_size_kb"
fi
start_trace() {
  echo 0 >"$tracefs/tracing_on"
  echo >"$tracefs/trace"
  printf '%s\n' sched:sched_switch sched:sched_waking irq_vectors:reschedule_entry \
    >"$tracefs/set_event"
  echo 1 >"$tracefs/tracing_on"
}
rt_thread() { ps -L -o tid=,cls= -p "$1" | awk '$2 == "FF" { print $1; exit }'; }
# FIRST SECOND: stops the trace; each client's slow waits (and why) and runs → $work/causes
trace_causes() {
  local n tids spec=() lost
  stop_trace
  lost=$(cat "$tracefs"/per_cpu/cpu*/stats | awk '/^overrun:/ { s += $2 } END { print s + 0 }')
  [ "$lost" = 0 ] || echo "  (the trace lost $lost events: its causes are incomplete)" >&2
  for n in "$1" "$2"; do  # NAME=audio thread,every thread of its process
    tids=$(ps -L -o tid= -p "${client_pid[$n]}" | paste -sd, | tr -d ' ')
    spec+=("$n=$(rt_thread "${client_pid[$n]}"),$tids")
  done
  cat "$tracefs/trace" >"$work/trace.txt"
  python3 bench/late_cycle_causes.py "$work/trace.txt" "$(rt_thread "$jackd_pid")" "${spec[@]}" |
    awk -v first="$1" '{ pos = ($2 == first ? "first" : "second") }
      $1 == "slow-wait" { print $2, pos, "waited:", $3 }
      $1 == "slow-run" { print $2, pos, "ran over 500 us:", $3 " us" }
      $1 == "cycles" { print $2, pos, "max-run", $7 }' >>"$work/causes"
  echo >"$tracefs/trace"
}
if [ "${PHANTOM_NOISE:-0}" = 1 ]; then
  for _ in 1 2; do
    nice -n 19 python3 -c 'a = bytearray(64 << 20); b = bytearray(64 << 20)
while True: b[:] = a' &
    noise_pids+=($!)
  done
  echo "== noise: two memory walkers at nice 19 =="
fi

start_jackd() {  # FRAMES
  jackd -n "$server" -d dummy -r 48000 -p "$1" -C 8 -P 8 >"$work/jackd.log" 2>&1 &
  jackd_pid=$!
  for _ in $(seq 100); do
    "$probe" watch "$server" 0 >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "jack_soak: jackd did not start: $(cat "$work/jackd.log")" >&2
  exit 1
}

port=""
start_phantom() {
  rm -f "$work/state.json"
  "$phantom" start --backend jack --jack-server "$server" --session "$work/state.json" \
    --http 127.0.0.1:0 --quiet >"$work/phantom.log" 2>&1 &
  phantom_pid=$!
  for _ in $(seq 200); do
    port=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/phantom.log" | head -1 | sed 's/.*://') || true
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "jack_soak: phantom did not start: $(cat "$work/phantom.log")" >&2; exit 1; }
  # The studio-8x8 load of bench/process_bench.cpp: every input into main, hp1 and hp2.
  local batch="" i out
  for i in 1 2 3 4 5 6 7 8; do
    for out in main hp1 hp2; do batch+="${batch:+,}\"/mix/$out/in$i/gain\": -12"; done
  done
  curl -sf -X POST -H 'Content-Type: application/json' -d "{$batch}" \
    "http://127.0.0.1:$port/api/params" >/dev/null
}

status_field() {  # NAME → value from /api/status
  curl -sf "http://127.0.0.1:$port/api/status" |
    python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"
}

late_lines() {  # CLIENT: jackd's log lines (on stdin) that name CLIENT late
  grep -E "client = $1 was not finished|client $1 finished after current callback" || true
}
caused_by() {  # CLIENT FROM_LINE TO_LINE → late cycles of CLIENT in that stretch of jackd's log
  sed -n "$2,$3p" "$work/jackd.log" | late_lines "$1" | wc -l
}

per_hour() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n * 3600 / s }'; }

# The peer runs beside Phantom here too: a late cycle that the machine caused (a stalled vCPU)
# tends to name both, one that Phantom caused names Phantom alone.
if [ "$soak_s" -gt 0 ]; then
  echo "== soak: 48 kHz, 1024 frames, ${soak_s} s, studio-8x8 (24 routes), the pass-through beside it =="
  start_jackd 1024
  start_phantom
  start_peer $((soak_s + 5))
  sleep 1
  from=$(($(wc -l <"$work/jackd.log") + 1))
  "$probe" watch "$server" "$soak_s" >"$work/watch.out" &
  watch_pid=$!
  loads=()
  for _ in $(seq $((soak_s / 10))); do
    sleep 10
    loads+=("$(status_field dsp_load_percent)")
  done
  wait "$watch_pid"
  server_xruns=$(awk '{ print $2 }' "$work/watch.out")
  to=$(wc -l <"$work/jackd.log")
  named_xruns=$(caused_by phantom "$from" "$to")
  peer_xruns=$(caused_by thru "$from" "$to")
  phantom_xruns=$(status_field xruns)
  printf '%s\n' "${loads[@]}" | awk -v s="$server_xruns" -v c="$named_xruns" -v t="$peer_xruns" \
    -v p="$phantom_xruns" '
    { sum += $1; if ($1 > max) max = $1; n++ }
    END { printf "xruns on the server %d; late cycles named in jackd'"'"'s log: phantom %d, pass-through %d; counted by phantom %d\n", s, c, t, p;
          printf "phantom dsp_load_percent: mean %.2f %%, max %.2f %% of %d samples (target < 2 %%)\n",
                 sum / n, max, n }'
  stop_phantom
  stop_peers
  stop_jackd
  late_lines phantom <"$work/jackd.log" | sort | uniq -c | sed 's/^/  jackd: /'
fi

# Side by side: two clients in the same graph at the same time, neither feeding the other, so
# that both meet the same moments of scheduling noise. A client late at the end of a cycle is
# named in jackd's own log ("client = NAME was not finished", "client NAME finished after
# current callback"); those lines, counted per client over the measured window, are the xruns
# each caused. Which client JACK wakes first matters more than what the clients do (two
# identical pass-throughs differ by several times), so the order alternates between rounds and
# each client's count is kept per position: a client is compared with the other in the same
# position. PHANTOM_XRUN_CONTROL=1 adds the same rounds for two pass-throughs (thru, thru-b):
# the difference that the position alone makes, on that machine, that day.
rounds=${PHANTOM_XRUN_ROUNDS:-2}  # keep it even: each client is activated first in half of them
start_client() {  # phantom | a pass-through's name
  if [ "$1" = phantom ]; then
    start_phantom
    client_pid[phantom]=$phantom_pid
  else
    start_peer $((xrun_s + 5)) "$1"
  fi
}
declare -A late  # [CLIENT,first|second] → late cycles, [server] → the server's xruns
side_by_side() {  # CLIENT_A CLIENT_B: PHANTOM_XRUN_ROUNDS rounds, A activated first in odd ones
  local a=$1 b=$2 round first second from to n pos
  late=([server]=0 ["$a",first]=0 ["$a",second]=0 ["$b",first]=0 ["$b",second]=0)
  for round in $(seq "$rounds"); do
    if [ $((round % 2)) = 1 ]; then first=$a second=$b; else first=$b second=$a; fi
    start_client "$first"
    start_client "$second"
    sleep 1  # past the connections, which the server may count as a late cycle
    from=$(($(wc -l <"$work/jackd.log") + 1))
    if trace_on; then start_trace; fi
    late[server]=$((late[server] + $("$probe" watch "$server" "$xrun_s" | awk '{ print $2 }')))
    to=$(wc -l <"$work/jackd.log")
    if trace_on; then trace_causes "$first" "$second"; fi
    for n in "$first" "$second"; do
      [ "$n" = "$first" ] && pos=first || pos=second
      late["$n",$pos]=$((late["$n",$pos] + $(caused_by "$n" "$from" "$to")))
    done
    echo "  round $round: $first (activated first) ${late["$first",first]}," \
      "$second ${late["$second",second]} (running sums)" >&2
    stop_phantom
    stop_peers
  done
}
report_pair() {  # FRAMES CLIENT_A LABEL_A CLIENT_B LABEL_B
  local total_s=$((rounds * xrun_s / 2)) c label  # seconds in each position
  for c in "$2" "$4"; do
    [ "$c" = "$2" ] && label=$3 || label=$5
    printf '%-8s %-14s %14s (%3d) %14s (%3d) %14s (%3d)\n' "$1" "$label" \
      "$(per_hour "${late["$c",first]}" "$total_s")/h" "${late["$c",first]}" \
      "$(per_hour "${late["$c",second]}" "$total_s")/h" "${late["$c",second]}" \
      "$(per_hour $((late["$c",first] + late["$c",second])) $((2 * total_s)))/h" \
      $((late["$c",first] + late["$c",second]))
  done
  printf '%-8s %-14s %56s (%3d)\n' "$1" 'server (all)' \
    "$(per_hour "${late[server]}" $((2 * total_s)))/h" "${late[server]}"
  if trace_on; then
    echo "  from the kernel's trace: cycles in which a client waited over 500 us for a CPU (and why)"
    echo "  or ran over 500 us, by client and position; and each one's longest run (us):"
    grep ' waited: ' "$work/causes" | sort | uniq -c | sort -k2,3 -k1,1nr | sed 's/^/   /'
    grep ' ran over ' "$work/causes" | sort | sed 's/^/         /' || true
    awk '$3 == "max-run" && $4 > m[$1 " " $2] { m[$1 " " $2] = $4 }
      END { for (k in m) printf "    %s longest run %d us\n", k, m[k] }' "$work/causes" | sort
    rm -f "$work/causes"
  fi
}

echo "== late cycles per hour, ${rounds} × ${xrun_s} s, side by side, each client activated first in half the rounds =="
printf '%-8s %-14s %20s %20s %20s\n' frames client 'activated first' 'activated second' both
for frames in ${PHANTOM_XRUN_FRAMES:-64 128 256}; do
  start_jackd "$frames"
  if [ "${PHANTOM_XRUN_CONTROL:-0}" = 1 ]; then
    side_by_side thru thru-b
    report_pair "$frames" thru pass-through thru-b pass-through-b
  fi
  side_by_side thru phantom
  report_pair "$frames" thru pass-through phantom phantom
  if [ "$frames" = 256 ]; then
    start_phantom
    "$probe" param-latency "$server" "$port" 20 >"$work/latency.out"
    stop_phantom
  fi
  stop_jackd
done

if [ -f "$work/latency.out" ]; then
  echo "== parameter change → audio, 256 frames, HTTP PUT /mix/main/pb1/gain -inf → 0 dB =="
  cat "$work/latency.out"
  echo "target: one block plus the 5 ms ramp, plus the HTTP request itself"
fi
