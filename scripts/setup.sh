#!/usr/bin/env bash
# Installs what Phantom needs from Debian 12's packages (only what is missing) and builds it in
# Release with warnings as errors. Safe to run again. Used by scripts/main.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/apt-install.sh

packages=(
  build-essential cmake ninja-build pkg-config
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libsndfile1-dev libsamplerate0-dev libzita-resampler-dev libreaderwriterqueue-dev
  libgtest-dev libbenchmark-dev
  libboost1.81-dev libjack-jackd2-dev jackd2
  sox ecasound curl python3
  liblo-tools python3-liblo
  liblilv-dev lilv-utils lv2-examples x42-plugins lsp-plugins-lv2
)
apt_install setup "${packages[@]}"

build_dir=${PHANTOM_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPHANTOM_WERROR=ON >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
