#!/usr/bin/env bash
# Set up, build, and render the demo session shipped in examples/ offline, then say where the
# files went.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${PHANTOM_BUILD_DIR:-build}
out=${PHANTOM_DEMO_OUT:-out/demo}
mkdir -p "$out"
"$build_dir/phantom" render --session examples/demo-session.json --duration 10s \
  --record main="$out/main.wav" --record hp1="$out/hp1.wav" --record line3="$out/line3-reamp.wav" \
  --record capture="$out/capture/"
echo "The demo's recordings are in $out/"
