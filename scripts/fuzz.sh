#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/<name>_fuzz.cpp, docs/fuzzing.md) with Debian's clang and
# libFuzzer under AddressSanitizer + UndefinedBehaviorSanitizer, and runs each for RUNS inputs
# from its corpus (fuzz/corpus/<name>/, read only; new inputs go to build-fuzz/work/<name>/).
#
#   scripts/fuzz.sh [RUNS] [NAME…]      RUNS: default 1000000; NAME: default every target
#
# A finding is written to build-fuzz/findings/<name>-crash-… and the script exits 1. Only this
# script needs clang: the normal build runs the same targets briefly through ctest (fuzz.*).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/apt-install.sh

# This script's own set-up: Debian 12's clang with its libFuzzer and sanitizer runtimes, and
# the libraries Phantom builds against (as scripts/setup.sh installs them).
fuzz_packages=(
  clang-14 libclang-rt-14-dev cmake ninja-build pkg-config
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libsndfile1-dev libsamplerate0-dev libreaderwriterqueue-dev
  libboost1.81-dev libjack-jackd2-dev
)
apt_install fuzz "${fuzz_packages[@]}"

runs=${1:-1000000}
shift || true
build_dir=${PHANTOM_FUZZ_BUILD_DIR:-build-fuzz}
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link"
flags+=" -fno-sanitize-recover=undefined"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DPHANTOM_TESTS=OFF -DPHANTOM_BENCH=OFF -DPHANTOM_LIBFUZZER=ON >/dev/null

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in fuzz/*_fuzz.cpp; do
    n=$(basename "$f" .cpp)
    names+=("${n%_fuzz}")
  done
fi
targets=()
for n in "${names[@]}"; do targets+=("${n}_fuzz"); done
cmake --build "$build_dir" --parallel "${PHANTOM_FUZZ_JOBS:-2}" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$build_dir/findings"
status=0
for n in "${names[@]}"; do
  work="$build_dir/work/$n"
  mkdir -p "$work"
  log="$build_dir/findings/$n.log"
  echo "fuzz: $n, $runs inputs (log: $log)"
  start=$(date +%s)
  if "$build_dir/fuzz/${n}_fuzz" -runs="$runs" -seed="${PHANTOM_FUZZ_SEED:-1}" \
      -timeout=10 -rss_limit_mb=2048 -max_len="${PHANTOM_FUZZ_MAX_LEN:-16384}" \
      -print_final_stats=1 -artifact_prefix="$build_dir/findings/$n-" \
      "$work" "fuzz/corpus/$n" >"$log" 2>&1; then
    result="no finding"
  else
    result="FINDING (see $log)"
    status=1
  fi
  seconds=$(( $(date +%s) - start ))
  executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: $n: $executed inputs in ${seconds} s: $result"
done
exit $status
