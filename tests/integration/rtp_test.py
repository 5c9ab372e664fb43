#!/usr/bin/python3
"""AES67-format RTP (L24/48 kHz, 1 ms packets, multicast) between Phantom under PipeWire's JACK
and GStreamer, in two network namespaces joined by a veth pair, everything real: PipeWire 0.3.65
and WirePlumber under dbus-run-session with the fragments of contrib/pipewire/, Phantom with
PipeWire's libjack (what `pw-jack` does), gst-launch-1.0 with rtpL24pay / rtpL24depay.

- Phantom's main → PipeWire rtp-sink → GStreamer rtpL24depay in the other namespace: after
  alignment, every sample matches Phantom's own output (recorded by a JACK client) to 24-bit
  resolution (one LSB);
- GStreamer rtpL24pay (a 997 Hz sine at -6.02 dBFS, announced by SAP as AES67 senders do) →
  PipeWire rtp-source → Phantom's adat1 through a kept connection that waited for the stream:
  level and frequency arrive right.

Needs root for the namespaces; without them it says why and exits 77 (ctest SKIP_RETURN_CODE).
Run by ctest with Debian's /usr/bin/python3 (python3-jack-client, python3-numpy)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import netns_support
from netns_support import Process, call, run, wait_for_http

PHANTOM = os.environ.get("PHANTOM_BINARY", "")
HERE = os.path.dirname(os.path.abspath(__file__))
CONTRIB = os.path.join(HERE, "..", "..", "contrib", "pipewire")
TAG = os.environ.get("PHANTOM_RTP_TAG") or f"pr{os.getpid() % 100000}"  # the inner run: the outer's
NS_A, NS_B = f"{TAG}-a", f"{TAG}-b"  # A: PipeWire and Phantom; B: the GStreamer peer
PW_JACK_LIBS = "/usr/lib/x86_64-linux-gnu/pipewire-0.3/jack"
RATE = 48000
SEND_GROUP = "239.69.1.1"  # contrib/pipewire/phantom-aes67-send.conf
RECEIVE_GROUP, RECEIVE_PORT = "239.69.2.1", 5004

# The known signal of netjack_test.py, on a 2^23 grid so that L24 carries it exactly: frame n
# is ((n * K) mod 2^23 - 2^22) / 2^23, every value distinct over 2^23 frames.
M = 1 << 23
K = 2654435761


def make_namespaces():
    return netns_support.make_namespaces(TAG, NS_A, NS_B, "10.81.0")


def remove_namespaces():
    netns_support.remove_namespaces(NS_A, NS_B)


# ---- inside namespace A, under dbus-run-session ----------------------------------------------


def sap_announcer(stop, sdp):
    """SAP announcements of `sdp` every second (RFC 2974), from namespace B, as an AES67 sender
    announces its stream: PipeWire 0.3.65's rtp-source joins announced streams only."""
    code = (
        "import socket, sys, time\n"
        "sdp = sys.argv[1].encode()\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)\n"
        "head = bytes([0x20, 0, 0x12, 0x34]) + socket.inet_aton('10.81.0.2')\n"
        "while True:\n"
        "    s.sendto(head + b'application/sdp\\0' + sdp, ('224.0.0.56', 9875))\n"
        "    time.sleep(1)\n")
    return subprocess.Popen(["ip", "netns", "exec", NS_B, sys.executable, "-c", code, sdp])


class RtpWithPhantom(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import jack  # PipeWire's libjack, through LD_LIBRARY_PATH
        import numpy as np
        cls.jack, cls.np = jack, np
        cls.dir = os.environ["PHANTOM_RTP_DIR"]
        cls.stack = []
        env = dict(os.environ)
        cls.pipewire = Process(["pipewire"], os.path.join(cls.dir, "pipewire.log"), env)
        cls.stack.append(cls.pipewire.stop)
        time.sleep(0.5)
        cls.wireplumber = Process(["wireplumber"], os.path.join(cls.dir, "wireplumber.log"), env)
        cls.stack.append(cls.wireplumber.stop)
        cls.client = cls.wait_client("rtp-test")
        cls.wait_port("phantom-aes67-send:playback_FL", 15)

        state = os.path.join(cls.dir, "state.json")
        with open(state, "w") as f:
            json.dump({"phantom_session": 1, "device": "studio-8x8",
                       "params": {"/mix/main/pb1/gain": 0, "/mix/main/pb1/pan": -1,
                                  "/mix/main/pb2/gain": 0, "/mix/main/pb2/pan": 1,
                                  "/monitor/volume": 0},
                       "connections": [
                           {"from": "phantom:hw_out_main.L",
                            "to": "phantom-aes67-send:playback_FL"},
                           {"from": "phantom:hw_out_main.R",
                            "to": "phantom-aes67-send:playback_FR"},
                           {"from": "phantom-aes67-in:capture_FL", "to": "phantom:hw_in_adat1"},
                           {"from": "phantom-aes67-in:capture_FR", "to": "phantom:hw_in_adat2"},
                       ]}, f)
        log = os.path.join(cls.dir, "phantom.log")
        cls.phantom = Process([PHANTOM, "start", "--backend", "jack", "--session", state,
                               "--http", "127.0.0.1:0", "--osc", "off", "--midi", "off",
                               "--quiet"], log, env)
        cls.stack.append(cls.phantom.stop)
        cls.http = wait_for_http(log)
        device = cls.call("GET", "/api/device")
        cls.capture = {name: f"phantom:capture_{k + 1}"
                       for k, name in enumerate(device["capture_channels"])}

    @classmethod
    def tearDownClass(cls):
        cls.client.deactivate()
        cls.client.close()
        for stop in reversed(cls.stack):
            stop()

    @classmethod
    def call(cls, method, path, body=None):
        return call(cls.http, method, path, body)

    @classmethod
    def wait_client(cls, name):
        deadline = time.time() + 15
        while True:
            try:
                c = cls.jack.Client(name, no_start_server=True)
                return c
            except cls.jack.JackError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    @classmethod
    def wait_port(cls, name, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if any(p.name == name for p in cls.client.get_ports()):
                return
            time.sleep(0.1)
        raise AssertionError(f"no port {name}: " + " ".join(p.name for p in cls.client.get_ports()))

    def connection_state(self, frm, to):
        for c in self.call("GET", "/api/connections")["connections"]:
            if c["from"] == frm and c["to"] == to:
                return c["state"]
        return "absent"

    def record(self, sources, seconds, play=None):
        """Record `sources` on the JACK graph for `seconds`, while `play` (a port → array
        function of the frame time) plays into phantom:playback_1 and _2."""
        np, jack = self.np, self.jack
        c = jack.Client("rtp-rec", no_start_server=True)
        ins = [c.inports.register(f"in_{k}") for k in range(len(sources))]
        outs = [c.outports.register(f"out_{k}") for k in range(2)]
        frames = int(seconds * RATE)
        bufs = [np.zeros(frames, dtype=np.float32) for _ in sources]
        pos = [0]

        def process(n):
            t = c.last_frame_time
            for k, port in enumerate(outs):
                port.get_array()[:] = play(k, t, n) if play else 0.0
            take = min(n, frames - pos[0])
            if take > 0:
                for port, buf in zip(ins, bufs):
                    buf[pos[0]:pos[0] + take] = port.get_array()[:take]
                pos[0] += take

        c.set_process_callback(process)
        c.activate()
        for port, source in zip(ins, sources):
            c.connect(source, port)
        if play:
            c.connect(outs[0], "phantom:playback_1")
            c.connect(outs[1], "phantom:playback_2")
        deadline = time.time() + seconds + 10
        while pos[0] < frames and time.time() < deadline:
            time.sleep(0.05)
        c.deactivate()
        c.close()
        return bufs

    def test_gstreamer_to_phantom_arrives_at_the_right_level_and_frequency(self):
        np = self.np
        gst = Process(["ip", "netns", "exec", NS_B, "gst-launch-1.0", "-q",
                       "audiotestsrc", "is-live=true", "freq=997", "volume=0.5",
                       "!", "audio/x-raw,format=S24BE,rate=48000,channels=2",
                       "!", "rtpL24pay", "pt=96", "min-ptime=1000000", "max-ptime=1000000",
                       "!", "udpsink", f"host={RECEIVE_GROUP}", f"port={RECEIVE_PORT}",
                       "auto-multicast=true", "ttl-mc=1"],
                      os.path.join(self.dir, "gst-send.log"))
        sdp = ("v=0\r\no=- 1 1 IN IP4 10.81.0.2\r\ns=phantom-aes67-in\r\n"
               f"c=IN IP4 {RECEIVE_GROUP}/1\r\nt=0 0\r\n"
               f"m=audio {RECEIVE_PORT} RTP/AVP 96\r\na=rtpmap:96 L24/48000/2\r\na=ptime:1\r\n")
        sap = sap_announcer(None, sdp)
        try:
            t0 = time.time()
            while time.time() - t0 < 20:
                if self.connection_state("phantom-aes67-in:capture_FL",
                                         "phantom:hw_in_adat1") == "connected":
                    break
                time.sleep(0.1)
            ports = " ".join(p.name for p in self.client.get_ports())
            self.assertEqual(self.connection_state("phantom-aes67-in:capture_FL",
                                                   "phantom:hw_in_adat1"), "connected",
                             f"the stream's source never appeared as expected; ports: {ports}")
            print(f"[ rtp in ] kept connection made {time.time() - t0:.1f} s after the "
                  "announcement started")
            time.sleep(1.0)  # past the power-on ramp and the receiver's buffer
            (x,) = self.record([self.capture["adat1"]], 2.0)
            peak = float(np.max(np.abs(x)))
            rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
            spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
            freq = float(np.argmax(spectrum)) * RATE / len(x)
            print(f"[ rtp in ] peak {20 * np.log10(peak):.2f} dBFS, rms "
                  f"{20 * np.log10(rms):.2f} dBFS, {freq:.1f} Hz")
            # A 0.5 sine: peak -6.02 dBFS, rms -9.03 dBFS; 997 Hz within one FFT bin (0.5 Hz).
            self.assertAlmostEqual(20 * np.log10(peak), -6.02, delta=0.1)
            self.assertAlmostEqual(20 * np.log10(rms), -9.03, delta=0.1)
            self.assertAlmostEqual(freq, 997.0, delta=1.0)
        finally:
            sap.kill()
            sap.wait()
            gst.stop(signal.SIGINT)

    def test_phantom_main_to_gstreamer_matches_phantoms_own_output(self):
        np = self.np
        dump = json.loads(run("pw-dump").stdout)
        port = next(o["info"]["props"]["rtp.destination.port"] for o in dump
                    if o.get("type") == "PipeWire:Interface:Node"
                    and o.get("info", {}).get("props", {}).get("rtp.session")
                    == "phantom-aes67-send")
        payload = 127  # 0.3.65's rtp-sink announces L24 with payload type 127 (its SDP)
        raw = os.path.join(self.dir, "received.raw")
        gst = Process(["ip", "netns", "exec", NS_B, "gst-launch-1.0", "-q", "-e",
                       "udpsrc", f"address={SEND_GROUP}", f"port={port}", "auto-multicast=true",
                       f"caps=application/x-rtp,media=audio,clock-rate=48000,encoding-name=L24,"
                       f"channels=2,payload={payload}",
                       "!", "rtpjitterbuffer", "latency=50",
                       "!", "rtpL24depay", "!", "filesink", f"location={raw}"],
                      os.path.join(self.dir, "gst-receive.log"))

        def known(channel, t, n):
            idx = np.arange(t, t + n, dtype=np.int64) + channel * 1_000_003
            return (((idx * K) % M) - M // 2).astype(np.float32) / np.float32(M)

        try:
            time.sleep(1.0)
            main_l, main_r = self.record(["phantom:hw_out_main.L", "phantom:hw_out_main.R"], 4.0,
                                         play=known)
            time.sleep(0.5)
        finally:
            gst.stop(signal.SIGINT)
        data = np.frombuffer(open(raw, "rb").read(), dtype=np.uint8)
        frames = len(data) // 6
        self.assertGreater(frames, RATE, "GStreamer received less than a second")
        b = data[:frames * 6].reshape(frames, 2, 3).astype(np.int32)
        ints = (b[:, :, 0] << 16) | (b[:, :, 1] << 8) | b[:, :, 2]
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        ours = np.rint(np.stack([main_l, main_r], axis=1).astype(np.float64) * M).astype(np.int64)
        # Align on a stretch of the received left channel 0.1 s into its signal (silence
        # matches silence anywhere): `best` is our frame index minus the received one.
        heard = np.nonzero(ints[:, 0])[0]
        self.assertGreater(len(heard), RATE, "GStreamer received no signal")
        at = int(heard[0]) + RATE // 10
        probe = ints[at:at + 480, 0]
        best = None
        for off in np.nonzero(np.abs(ours[:len(ours) - len(probe), 0] - probe[0]) <= 1)[0]:
            if np.max(np.abs(ours[off:off + len(probe), 0] - probe)) <= 1:
                best = int(off) - at
                break
        self.assertIsNotNone(best, "the received stream matches nothing Phantom sent")
        # Every frame both hold, from the first one the receiver heard.
        start = max(int(heard[0]), -best)
        end = min(frames, len(ours) - best)
        got = ints[start:end]
        want = ours[start + best:end + best]
        worst = int(np.max(np.abs(got - want)))
        print(f"[ rtp out ] {len(got)} frames compared, aligned at {best}, worst "
              f"difference {worst} LSB of 24 bits")
        self.assertGreater(len(got), RATE)
        self.assertLessEqual(worst, 1)


def inner_main():
    unittest.main(argv=[sys.argv[0]], verbosity=2)


if __name__ == "__main__":
    if "--inner" in sys.argv:
        inner_main()
    if os.geteuid() != 0:
        print("skipped: network namespaces need root")
        sys.exit(77)
    for tool in ("pipewire", "wireplumber", "gst-launch-1.0", "dbus-run-session"):
        if not shutil.which(tool):
            print(f"skipped: {tool} is not installed (scripts/setup-network-tests.sh)")
            sys.exit(77)
    why = make_namespaces()
    if why:
        print(f"skipped: {why}")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="phantom-rtp-")
    conf = os.path.join(work, "config", "pipewire", "pipewire.conf.d")
    os.makedirs(conf)
    for name in ("phantom-aes67-send.conf", "phantom-aes67-receive.conf"):
        shutil.copy(os.path.join(CONTRIB, name), conf)
    runtime = os.path.join(work, "run")
    os.makedirs(runtime, mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": runtime, "XDG_CONFIG_HOME": os.path.join(work, "config"),
           "LD_LIBRARY_PATH": PW_JACK_LIBS, "PHANTOM_RTP_DIR": work,
           "PIPEWIRE_RUNTIME_DIR": runtime, "PHANTOM_RTP_TAG": TAG}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    try:
        r = subprocess.run(["ip", "netns", "exec", NS_A, "dbus-run-session", "--", sys.executable,
                            os.path.abspath(__file__), "--inner"], env=env)
    finally:
        remove_namespaces()
    print(f"(logs in {work})")
    sys.exit(r.returncode)
