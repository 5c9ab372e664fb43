#!/usr/bin/env bash
# Long multichannel files (docs/benchmarks.md, "bench/long_files.sh"): for each length in
# PHANTOM_BENCH_MINUTES (default "1 10 60 120"), an 8-channel 24-bit 96 kHz file (W64: past
# 4 GiB a WAV header cannot say its size) is made with sox, and
#  1. played as 8 sources (FILE#1 … FILE#8 into in1 … in8 of studio-8x8 at 96 kHz) for its whole
#     length, each channel recorded as a 24-bit file (`--record inN=…`): 8 channels in, 8 out,
#     as long as the file; peak RSS, wall time, bytes written;
#  2. the same sources for 10 s only (the file as a source, whatever its length): peak RSS.
# Memory must be flat in length; it is reported, never asserted. Needs twice the file's size on
# the disk of $TMPDIR (the file and its recordings); a length that does not fit is skipped and
# said so. Each file is removed before the next is made.
#
# Usage: bench/long_files.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
case "$build" in /*) phantom="$build/phantom" ;; *) phantom="$(pwd)/$build/phantom" ;; esac
[ -x "$phantom" ] || { echo "long_files: $phantom not built" >&2; exit 2; }
command -v sox >/dev/null || { echo "long_files: sox is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "long_files: /usr/bin/time (GNU time) is not installed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
minutes_list=${PHANTOM_BENCH_MINUTES:-1 10 60 120}
rate=96000
channels=8

measure() {  # "wall_s rss_mb" of one run, from GNU time
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out.log" 2>&1 ||
    { cat "$work/out.log" >&2; exit 1; }
  awk '{ printf "%.2f %.0f", $1, $2 / 1024 }' "$work/time"
}
render_args() {  # file duration
  local args=(render --device studio-8x8 --rate "$rate" --duration "$2" --quiet --bits 24)
  for c in $(seq 1 "$channels"); do
    args+=(--source "in$c=$1#$c" --record "in$c=$work/rec/in$c.wav")
  done
  echo "${args[@]}"
}

echo "long_files: ${channels}-channel 24-bit ${rate} Hz files as sources and as recordings"
echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "  %6s %9s | %-28s | %-22s\n" "length" "file" "whole length: in 8, record 8" "first 10 s: in 8"
for minutes in $minutes_list; do
  bytes=$((minutes * 60 * rate * channels * 3))
  free_bytes=$(($(df --output=avail -k "$work" | tail -1) * 1024))
  if [ $((2 * bytes + 4 * 1024 * 1024 * 1024)) -gt "$free_bytes" ]; then
    printf "  %4d min: skipped, needs %d GB free beside 4 GB to spare, %d GB are\n" "$minutes" \
      $((2 * bytes / 1000000000)) $((free_bytes / 1000000000))
    continue
  fi
  file="$work/long.w64"
  t0=$(date +%s)
  sox -n -r "$rate" -c "$channels" -b 24 -t w64 "$file" synth "$((minutes * 60))" pinknoise vol 0.2
  made_s=$(($(date +%s) - t0))
  mkdir -p "$work/rec"
  read -r whole_s whole_mb <<<"$(measure $phantom $(render_args "$file" "${minutes}m"))"
  written_mb=$(du -cm "$work"/rec/*.wav | tail -1 | cut -f1)
  read -r short_s short_mb <<<"$(measure $phantom $(render_args "$file" 10s))"
  printf "  %4d min %6d MB | %6s MB RSS %7s s %6d MB | %6s MB RSS %6s s   (sox made it in %d s)\n" \
    "$minutes" $((bytes / 1000000)) "$whole_mb" "$whole_s" "$written_mb" "$short_mb" "$short_s" \
    "$made_s"
  rm -rf "$file" "$work/rec"
done
echo "  load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
