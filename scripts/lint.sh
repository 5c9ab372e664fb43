#!/usr/bin/env bash
# clang-format (check only) and clang-tidy over the sources; needs a configured build/ for
# compile_commands.json (scripts/setup.sh makes one). Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PHANTOM_BUILD_DIR:-build}
files=$(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run -Werror $files
git ls-files 'src/*.cpp' | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build_dir" --quiet --warnings-as-errors='*' --extra-arg=-Wno-unknown-warning-option 2>/dev/null
echo "lint: clean"
