#!/usr/bin/env bash
# The main job: set up, build, and run Phantom live on its virtual hardware (`phantom start`),
# with a test tone into in1 and a guitar pickup into in3, until Ctrl-C. The
# control plane is at the URL it prints (http://127.0.0.1:7480/ by default); the state is kept
# in $XDG_STATE_HOME/phantom/. Extra arguments go to `phantom start`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${PHANTOM_BUILD_DIR:-build}
exec "$build_dir/phantom" start --source in1=sine:440:-20dBu \
  --source in3=guitar:sine:110:-20dBV "$@"
