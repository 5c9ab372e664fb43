#!/usr/bin/env bash
# What the browser tests of the web panel need, beyond scripts/setup.sh: Debian's Chromium,
# Node.js with npm (Debian's, unless a Node.js with its own npm is there already), and
# playwright-core from the npm registry at the version in tests/browser/package-lock.json.
# Safe to run again. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-browser-tests: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# playwright-core drives the Chromium above; it downloads no browser of its own.
if [ ! -d tests/browser/node_modules/playwright-core ] ||
   [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi
