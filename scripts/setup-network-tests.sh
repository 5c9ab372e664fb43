#!/usr/bin/env bash
# What the network tests need from Debian 12 (only what is missing): netjack2 is in jackd2
# (scripts/setup.sh); network namespaces and veth pairs come from iproute2; the netjack2 test's
# signal clients are Python with the JACK client binding and NumPy; the RTP tests run PipeWire
# 0.3.65 with its JACK library and WirePlumber under dbus-run-session, against GStreamer's
# rtpL24pay/rtpL24depay. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/apt-install.sh

apt_install network-tests \
  iproute2 python3-jack-client python3-numpy \
  pipewire pipewire-jack pipewire-bin wireplumber dbus dbus-bin \
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
