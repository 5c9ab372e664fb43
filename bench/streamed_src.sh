#!/usr/bin/env bash
# Files at another sample rate, converted as they stream (docs/benchmarks.md):
#  1. a 10-minute 44.1 kHz source rendered for 10 s at 48 kHz, beside the same render from a
#     48 kHz file and beside `sox in.wav -r 48000 out.wav trim 0 10`: wall time and peak RSS
#     (PHANTOM_BENCH_RUNS runs each, default 9, taking turns; median and range of the wall
#     times on a millisecond clock, and the largest peak RSS);
#  2. peak RSS of that render against the source's length: 1, 10 and 60 minutes;
#  3. live: `phantom start --source in5=<44.1 kHz file>` for PHANTOM_BENCH_LIVE_SECONDS (60; 0
#     skips it), then source_starved_frames and xruns from /api/status.
# Speed is reported, never asserted; step 3 fails the script if the source starved.
#
# Usage: bench/streamed_src.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
case "$build" in /*) phantom="$build/phantom" ;; *) phantom="$(pwd)/$build/phantom" ;; esac
[ -x "$phantom" ] || { echo "streamed_src: $phantom not built" >&2; exit 2; }
command -v sox >/dev/null || { echo "streamed_src: sox is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "streamed_src: /usr/bin/time (GNU time) is not installed" >&2; exit 2; }
work=$(mktemp -d)
live_pid=""
trap '[ -n "$live_pid" ] && kill "$live_pid" 2>/dev/null; rm -rf "$work"' EXIT
live_seconds=${PHANTOM_BENCH_LIVE_SECONDS:-60}

# 24-bit PCM, as recordings are: pink noise.
make_file() {  # minutes rate path
  sox -n -r "$2" -c 1 -b 24 "$3" synth "$(( $1 * 60 ))" pinknoise vol 0.2 >/dev/null 2>&1
}

# "wall_s rss_mb" of one run, from GNU time.
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1
  awk '{ printf "%.2f %.0f", $1, $2 / 1024 }' "$work/time"
}
runs=${PHANTOM_BENCH_RUNS:-9}
# "median_ms min_ms max_ms rss_mb": wall times of $runs runs, taken with a millisecond clock
# (GNU time's 10 ms would be a third of what is measured), and the largest peak RSS.
spread() {
  local times=() rss=0
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time" "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
    rss=$(awk -v r="$rss" '{ print ($1 > r ? $1 : r) }' "$work/time")
  done
  printf "%s\n" "${times[@]}" | sort -n | awk -v rss="$rss" '{ t[NR] = $1 } END {
    printf "%d %d %d %.0f", t[int((NR + 1) / 2)], t[1], t[NR], rss / 1024 }'
}
render() {  # source file: in5 into main, main recorded (a mix that does something)
  echo "$phantom" render --device studio-8x8 --rate 48000 --duration 10s --quiet \
    --source "in5=$1" --set /mix/main/in5/gain=0 --record "main=$work/out.wav"
}

make_file 10 44100 "$work/song44k.wav"
make_file 10 48000 "$work/song48k.wav"
echo "streamed_src: 10 s rendered at 48 kHz from a 10-minute 24-bit source ($runs runs each, interleaved)"
echo "  load average (1 min) before: $(cut -d' ' -f1 /proc/loadavg)"
# The three commands take turns, so a burst of load elsewhere falls on all of them.
: >"$work/conv" ; : >"$work/same" ; : >"$work/sox"
for _ in $(seq 1 "$runs"); do
  runs=1 spread $(render "$work/song44k.wav") >>"$work/conv"; echo >>"$work/conv"
  runs=1 spread $(render "$work/song48k.wav") >>"$work/same"; echo >>"$work/same"
  runs=1 spread sox "$work/song44k.wav" -r 48000 "$work/sox.wav" trim 0 10 >>"$work/sox"; echo >>"$work/sox"
done
summary() {  # file -> "median min max rss"
  sort -n "$1" | awk '{ t[NR] = $1; if ($4 > r) r = $4 } END {
    printf "%d %d %d %d", t[int((NR + 1) / 2)], t[1], t[NR], r }'
}
read -r conv_ms conv_lo conv_hi conv_mb <<<"$(summary "$work/conv")"
read -r same_ms same_lo same_hi same_mb <<<"$(summary "$work/same")"
read -r sox_ms sox_lo sox_hi sox_mb <<<"$(summary "$work/sox")"
echo "  load average (1 min) after: $(cut -d' ' -f1 /proc/loadavg)"
printf "  %-44s median %4d ms (%d-%d)  %4s MB peak RSS\n" "phantom render, 44.1 kHz file (converted)" \
  "$conv_ms" "$conv_lo" "$conv_hi" "$conv_mb"
printf "  %-44s median %4d ms (%d-%d)  %4s MB peak RSS\n" "phantom render, 48 kHz file" \
  "$same_ms" "$same_lo" "$same_hi" "$same_mb"
printf "  %-44s median %4d ms (%d-%d)  %4s MB peak RSS\n" "sox in.wav -r 48000 out.wav trim 0 10" \
  "$sox_ms" "$sox_lo" "$sox_hi" "$sox_mb"
awk -v c="$conv_ms" -v s="$same_ms" -v cm="$conv_mb" -v sm="$same_mb" -v x="$sox_ms" 'BEGIN {
  printf "  converted / same rate: %.2fx the median wall time, %.2fx the memory (target: within 2x)\n",
         (s > 0 ? c / s : 0), (sm > 0 ? cm / sm : 0)
  printf "  converted / sox: %.2fx the median wall time\n", (x > 0 ? c / x : 0) }'
$(render "$work/song44k.wav") | head -1 | sed 's/^/  report: /'
rm -f "$work/song48k.wav" "$work/sox.wav"

echo "streamed_src: peak RSS of that render against the source's length (44.1 kHz, 24-bit)"
for minutes in 1 10 60; do
  make_file "$minutes" 44100 "$work/song44k.wav"
  read -r s mb <<<"$(measure $(render "$work/song44k.wav"))"
  size_mb=$(du -m "$work/song44k.wav" | cut -f1)
  printf "  %2d min (%4d MB file): %5s MB peak RSS, %5s s\n" "$minutes" "$size_mb" "$mb" "$s"
done

[ "$live_seconds" -gt 0 ] || exit 0
make_file 10 44100 "$work/song44k.wav"
"$phantom" start --http 127.0.0.1:0 --osc 127.0.0.1:0 --quiet --session "$work/state.json" \
  --source "in5=$work/song44k.wav" >"$work/live.log" 2>&1 &
live_pid=$!
url=""
for _ in $(seq 1 500); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/live.log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.02
done
[ -n "$url" ] || { echo "streamed_src: phantom start did not come up:" >&2; cat "$work/live.log" >&2; exit 1; }
sleep "$live_seconds"
status=$(curl -s "${url}api/status")
kill -TERM "$live_pid"; wait "$live_pid" || true; live_pid=""
starved=$(echo "$status" | grep -o '"source_starved_frames":[0-9]*' | cut -d: -f2)
xruns=$(echo "$status" | grep -o '"xruns":[0-9]*' | cut -d: -f2)
echo "streamed_src: live, a 44.1 kHz file into a 48 kHz device for ${live_seconds} s"
echo "  source_starved_frames ${starved}, xruns ${xruns}"
[ "$starved" = 0 ] || { echo "  THE SOURCE STARVED" >&2; exit 1; }
