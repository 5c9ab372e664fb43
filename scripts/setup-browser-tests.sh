#!/usr/bin/env bash
# What the browser tests of the web panel need, beyond scripts/setup.sh: Debian's Chromium,
# Node.js with npm (Debian's, unless a Node.js with its own npm is there already), and
# playwright-core from the npm registry at the version in tests/browser/package-lock.json.
# Safe to run again. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/apt-install.sh

packages=(chromium)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
apt_install setup-browser-tests "${packages[@]}"
# playwright-core drives the Chromium above; it downloads no browser of its own.
if [ ! -d tests/browser/node_modules/playwright-core ] ||
   [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi
