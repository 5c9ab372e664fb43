#!/usr/bin/env bash
# Phantom on a real `jackd -d dummy` (48 kHz, 8 × 8), studio-8x8 with its 8 inputs mixed into
# main, hp1 and hp2:
#   1. soak: PHANTOM_SOAK_SECONDS (600) at 1024 frames; xruns seen by the server, xruns counted
#      by Phantom, and Phantom's reported DSP load (sampled every 10 s);
#   2. xruns per hour at 64, 128 and 256 frames, Phantom beside a trivial 8 × 8 pass-through
#      client measured on the same server in the same run, each counted by the same watcher
#      client: PHANTOM_XRUN_ROUNDS (1) rounds of PHANTOM_XRUN_SECONDS (120) for each, taking
#      turns (peer first in odd rounds, Phantom first in even ones), so that whatever else the
#      shared machine does falls on both alike;
#   3. the time from an HTTP parameter change to the audio, at 256 frames.
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

stop_phantom() {
  [ -n "$phantom_pid" ] && kill -TERM "$phantom_pid" 2>/dev/null && wait "$phantom_pid" || true
  phantom_pid=""
}
stop_jackd() {  # SIGTERM, so that jackd unregisters its name
  [ -n "$jackd_pid" ] && kill -TERM "$jackd_pid" 2>/dev/null && wait "$jackd_pid" || true
  jackd_pid=""
}
trap 'stop_phantom; stop_jackd; rm -rf "$work"' EXIT

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

per_hour() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n * 3600 / s }'; }

echo "== soak: 48 kHz, 1024 frames, ${soak_s} s, studio-8x8 (24 routes) =="
start_jackd 1024
start_phantom
"$probe" watch "$server" "$soak_s" >"$work/watch.out" &
watch_pid=$!
loads=()
for _ in $(seq $((soak_s / 10))); do
  sleep 10
  loads+=("$(status_field dsp_load_percent)")
done
wait "$watch_pid"
server_xruns=$(awk '{ print $2 }' "$work/watch.out")
phantom_xruns=$(status_field xruns)
printf '%s\n' "${loads[@]}" | awk -v s="$server_xruns" -v p="$phantom_xruns" '
  { sum += $1; if ($1 > max) max = $1; n++ }
  END { printf "xruns on the server %d, counted by phantom %d\n", s, p;
        printf "phantom dsp_load_percent: mean %.2f %%, max %.2f %% of %d samples (target < 2 %%)\n",
               sum / n, max, n }'
stop_phantom
stop_jackd

rounds=${PHANTOM_XRUN_ROUNDS:-1}
# The watcher is a client too (woken every cycle): it runs beside both, so both slots have the
# same number of clients besides the one measured.
peer_slot() {
  "$probe" thru "$server" "$xrun_s" >/dev/null &
  local thru_pid=$!
  "$probe" watch "$server" "$xrun_s" | awk '{ print $2 }'
  wait "$thru_pid"
}
phantom_slot() {
  start_phantom >&2
  "$probe" watch "$server" "$xrun_s" | awk '{ print $2 }'
  stop_phantom
}
echo "== xruns per hour, ${rounds} × ${xrun_s} s each, taking turns: trivial 8x8 pass-through vs phantom =="
printf '%-8s %18s %18s\n' frames pass-through phantom
for frames in ${PHANTOM_XRUN_FRAMES:-64 128 256}; do
  start_jackd "$frames"
  peer=0 ours=0
  for round in $(seq "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
      peer=$((peer + $(peer_slot))); ours=$((ours + $(phantom_slot)))
    else
      ours=$((ours + $(phantom_slot))); peer=$((peer + $(peer_slot)))
    fi
  done
  if [ "$frames" = 256 ]; then
    start_phantom
    "$probe" param-latency "$server" "$port" 20 >"$work/latency.out"
    stop_phantom
  fi
  stop_jackd
  total_s=$((rounds * xrun_s))
  printf '%-8s %11s (%3d) %11s (%3d)\n' "$frames" "$(per_hour "$peer" "$total_s")/h" "$peer" \
    "$(per_hour "$ours" "$total_s")/h" "$ours"
done

if [ -f "$work/latency.out" ]; then
  echo "== parameter change → audio, 256 frames, HTTP PUT /mix/main/pb1/gain -inf → 0 dB =="
  cat "$work/latency.out"
  echo "target: one block plus the 5 ms ramp, plus the HTTP request itself"
fi
