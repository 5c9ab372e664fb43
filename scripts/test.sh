#!/usr/bin/env bash
# The whole test suite: set up, build, run every test through ctest (the browser tests of the
# web panel included: their screenshots land in build/browser-artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup-browser-tests.sh
scripts/setup-network-tests.sh
build_dir=${PHANTOM_BUILD_DIR:-build}
# The doctor's ten-minute clean run (DoctorLongRun): no false alarm over ten minutes of the
# example session. Only here: the sanitizer builds (scripts/sanitize.sh) slow the audio thread
# until it really misses deadlines, which the doctor rightly reports.
export PHANTOM_LONG_TESTS=1
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)"
