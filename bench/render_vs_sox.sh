#!/usr/bin/env bash
# Side-by-side: a 16-input → 4 stereo output mix of 60 s at 48 kHz, rendered by `phantom render`
# and by `sox -M … remix …` with the same gains and the same constant-power pan law. Runs
# PHANTOM_BENCH_RUNS rounds (default 5) of one run each, interleaved; prints both best wall
# times and their ratio, the least CPU time (user + system) of each and its ratio (steadier than
# wall time on a shared machine), the median and spread of the rounds' own ratios, the load
# average around the timing, and the largest difference between the outputs, which must stay
# below -90 dBFS. Speed is reported, never asserted. Both tools write over their outputs of the
# round before, as a user rendering a mix again does.
#
# PHANTOM_BENCH_BITS=24 makes the inputs 24-bit PCM instead of 32-bit float (the outputs stay
# float on both sides).
#
# Usage: bench/render_vs_sox.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
phantom="$build/phantom"
[ -x "$phantom" ] || { echo "render_vs_sox: $phantom not built (run scripts/setup.sh)" >&2; exit 2; }
command -v sox >/dev/null || { echo "render_vs_sox: sox is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "render_vs_sox: /usr/bin/time (GNU time) is not installed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seconds=${PHANTOM_BENCH_SECONDS:-60}
bits=${PHANTOM_BENCH_BITS:-32}
case "$bits" in
  32) input_format=(-b 32 -e floating-point) ;;
  24) input_format=(-b 24 -e signed-integer) ;;
  *) echo "render_vs_sox: PHANTOM_BENCH_BITS is 32 or 24" >&2; exit 2 ;;
esac

# 16 distinct inputs: sines and noise at moderate levels.
for i in $(seq 1 16); do
  if [ $((i % 4)) -eq 0 ]; then signal="pinknoise"; else signal="sine $((110 * i))"; fi
  sox -n -r 48000 -c 1 "${input_format[@]}" "$work/in$i.wav" synth "$seconds" $signal vol 0.2
done

# Input i into output j: gain -(i+j)/2 dB, pan from -1 to 1 spread over the inputs.
gain() { awk -v i="$1" -v j="$2" 'BEGIN { printf "%.6f", -(i + j) / 2 }'; }
pan() { awk -v i="$1" -v j="$2" 'BEGIN { printf "%.6f", ((i * 7 + j * 3) % 9) / 4 - 1 }'; }
linear() {  # linear gain of one side: constant power, left = cos((p+1)π/4), right = sin(…)
  awk -v g="$1" -v p="$2" -v side="$3" 'BEGIN { a = (p + 1) * atan2(1, 1); v = 10 ^ (g / 20);
    printf "%.9f", (side == "L" ? cos(a) : sin(a)) * v }'
}

phantom_args=(render --device stress-64 --rate 48000 --quiet --duration "${seconds}s")
remix=()
for i in $(seq 1 16); do phantom_args+=(--source "in$i=$work/in$i.wav"); done
for j in 1 2 3 4; do
  left="" right=""
  for i in $(seq 1 16); do
    g=$(gain "$i" "$j") p=$(pan "$i" "$j")
    phantom_args+=(--set "/mix/line$j/in$i/gain=$g" --set "/mix/line$j/in$i/pan=$p")
    left+="${left:+,}${i}v$(linear "$g" "$p" L)"
    right+="${right:+,}${i}v$(linear "$g" "$p" R)"
  done
  phantom_args+=(--record "line$j=$work/phantom$j.wav")
  remix+=("$left" "$right")
done
inputs=()
for i in $(seq 1 16); do inputs+=("$work/in$i.wav"); done

runs=${PHANTOM_BENCH_RUNS:-5}
# Interleaved rounds (phantom then sox, then the other way round), each timed to the millisecond
# by bash: a shared machine's speed drifts over seconds, and two blocks of runs taken one after
# the other would put that drift into the ratio. Each round's ratio is of two runs taken side by
# side; their spread is printed with their median.
TIMEFORMAT='%3R %3U %3S'
timed() {  # prints "wall_s cpu_s" of one run of "$@"
  local t
  t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
  awk '{ printf "%.3f %.3f", $1, $2 + $3 }' <<<"$t"
}
sox_cmd=(sox -M "${inputs[@]}" -e floating-point -b 32 "$work/sox.wav" remix "${remix[@]}")
load_before=$(cut -d' ' -f1 /proc/loadavg)
: >"$work/rounds"
for round in $(seq 1 "$runs"); do
  if [ $((round % 2)) -eq 1 ]; then
    p=$(timed "$phantom" "${phantom_args[@]}") s=$(timed "${sox_cmd[@]}")
  else
    s=$(timed "${sox_cmd[@]}") p=$(timed "$phantom" "${phantom_args[@]}")
  fi
  echo "$p $s" >>"$work/rounds"
done
load_after=$(cut -d' ' -f1 /proc/loadavg)
# best wall, least CPU, and the median / least / largest of the rounds' wall-time ratios
read -r phantom_s phantom_cpu sox_s sox_cpu ratio_median ratio_min ratio_max <<<"$(
  python3 - "$work/rounds" <<'PY'
import statistics, sys
rounds = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
ratios = [s / p for p, _, s, _ in rounds]
print(f"{min(r[0] for r in rounds):.3f} {min(r[1] for r in rounds):.3f} "
      f"{min(r[2] for r in rounds):.3f} {min(r[3] for r in rounds):.3f} "
      f"{statistics.median(ratios):.2f} {min(ratios):.2f} {max(ratios):.2f}")
PY
)"

# Compare: phantom's 4 stereo files as one 8-channel file minus sox's, loudest sample.
sox -M "$work"/phantom{1,2,3,4}.wav "$work/phantom.wav"
diff_db=$(sox -m -v 1 "$work/phantom.wav" -v -1 "$work/sox.wav" -n stats 2>&1 | awk '/^Pk lev dB/ { print $4 }')
ratio=$(awk -v p="$phantom_s" -v s="$sox_s" 'BEGIN { printf "%.2f", s / p }')
cpu_ratio=$(awk -v p="$phantom_cpu" -v s="$sox_cpu" 'BEGIN { printf "%.2f", s / p }')
echo "render_vs_sox: 16 ${bits}-bit inputs -> 4 stereo outputs, ${seconds} s at 48 kHz (${runs} interleaved rounds)"
echo "  load average (1 min) before / after: ${load_before} / ${load_after}"
echo "  phantom render: ${phantom_s} s wall (best), ${phantom_cpu} s CPU (least)"
echo "  sox -M remix:   ${sox_s} s wall (best), ${sox_cpu} s CPU (least)"
echo "  phantom is ${ratio}x the speed of sox (best wall against best wall; target at least 3x), ${cpu_ratio}x in CPU time"
echo "  round by round (wall): median ${ratio_median}x, spread ${ratio_min}x … ${ratio_max}x"
echo "  largest difference: ${diff_db} dBFS (limit -90 dBFS)"
if awk -v d="$diff_db" 'BEGIN { exit !(d == "-inf" || d + 0 < -90) }'; then
  echo "  outputs agree"
else
  echo "  OUTPUTS DIFFER" >&2
  exit 1
fi
