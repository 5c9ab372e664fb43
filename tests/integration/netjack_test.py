#!/usr/bin/python3
"""Phantom on a netjack2 master, a slave in another network namespace (a stagebox in the live
room), everything real: two jackd (the master on the dummy driver with `jack_load netmanager`,
the slave `jackd -d net`), a veth pair between two namespaces made here with a 224.0.0.0/4
route, Phantom keeping its connections to the slave's ports in its state file.

- before the slave joins, Phantom says it waits for it (status: connections_waiting);
- a known signal made on the slave (every sample value unique for 2^24 frames, so that each
  received sample names the frame it was made in) reaches Phantom's capture channel of adat2
  sample-exact (netjack2's float encoding);
- a signal sent from the master through Phantom's main.L to the slave and looped back there
  comes back through adat1 sample-exact, delayed by exactly the latency Phantom reports;
- the slave killed: Phantom reports it gone; restarted: its connections are made again without
  a restart of Phantom, and the signal is sample-exact again.

Needs root for the namespaces (CI runs as root); without them it says why and exits 77 (ctest
SKIP_RETURN_CODE). Holds /tmp/phantom-jack-tests.lock while its servers run (other JACK tests
run in parallel). Run by ctest with Debian's /usr/bin/python3 (python3-jack-client)."""

import fcntl
import json
import os
import signal
import sys
import tempfile
import time
import unittest

import jack
import numpy as np

import netns_support
from netns_support import Process, call, run, wait_for_http

PHANTOM = os.environ["PHANTOM_BINARY"]
TAG = f"pj{os.getpid() % 100000}"  # namespaces and links of this run only
MASTER_NS, SLAVE_NS = f"{TAG}-m", f"{TAG}-s"
MASTER, SLAVE = "phantom-net-master", "phantom-net-slave"
SLAVE_NAME = "liveroom"
RATE, PERIOD = 48000, 256

# The known signal: frame n carries ((n * K) mod 2^24 - 2^23) / 2^24, exact in float32, every
# value distinct over 2^24 frames (K is odd), so a sample received tells the frame it left at.
M = 1 << 24
K = 2654435761
K_INV = pow(K, -1, M)


def signal_at(first, frames):
    n = np.arange(first, first + frames, dtype=np.int64)
    return (((n * K) % M) - M // 2).astype(np.float32) / np.float32(M)


def frames_of(samples):
    x = (np.rint(samples.astype(np.float64) * M) + M // 2).astype(np.int64) % M
    return (x * K_INV) % M


class JackLock:
    """The lock every JACK test holds while its servers run (tests/support/jack_test_lock.hpp)."""

    def __enter__(self):
        self.fd = os.open("/tmp/phantom-jack-tests.lock", os.O_CREAT | os.O_RDWR, 0o666)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        os.close(self.fd)


def make_namespaces():
    """The master's and the slave's namespaces. None, or why not."""
    return netns_support.make_namespaces(TAG, MASTER_NS, SLAVE_NS, "10.79.0")


def remove_namespaces():
    netns_support.remove_namespaces(MASTER_NS, SLAVE_NS)


def wait_for_server(name, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            c = jack.Client("probe", servername=name, no_start_server=True)
            c.close()
            return True
        except jack.JackError:
            time.sleep(0.1)
    return False


class Phantom(Process):
    def __init__(self, state, log, device=None):
        super().__init__([PHANTOM, "start", "--backend", "jack", "--jack-server", MASTER,
                          "--session", state, "--http", "127.0.0.1:0", "--osc", "off",
                          "--midi", "off", "--quiet", *(["--device", device] if device else [])],
                         log)
        self.http = wait_for_http(log)

    def call(self, method, path, body=None):
        return call(self.http, method, path, body)


class Generator:
    """A JACK client playing the known signal from its own frame counter."""

    def __init__(self, server, name, target):
        self.client = jack.Client(name, servername=server, no_start_server=True)
        self.out = self.client.outports.register("out")
        self.client.set_process_callback(self.process)
        self.client.activate()
        self.client.connect(self.out, target)

    def process(self, frames):
        t = self.client.last_frame_time
        self.out.get_array()[:] = signal_at(t, frames)

    def close(self):
        self.client.deactivate()
        self.client.close()


class Recorder:
    """A JACK client on the master recording its inputs, stamped with the master's frame time."""

    def __init__(self, server, sources):
        self.client = jack.Client("rec", servername=server, no_start_server=True)
        self.ins = [self.client.inports.register(f"in_{k + 1}") for k in range(len(sources))]
        self.frames = RATE * 2
        self.buffers = [np.zeros(self.frames, dtype=np.float32) for _ in sources]
        self.start_time = None
        self.filled = 0
        self.armed = False
        self.xruns = 0
        self.client.set_process_callback(self.process)
        self.client.set_xrun_callback(self.on_xrun)
        self.client.activate()
        for port, source in zip(self.ins, sources):
            self.client.connect(source, port)

    def on_xrun(self, delay):
        self.xruns += 1

    def process(self, frames):
        if not self.armed or self.filled >= self.frames:
            return
        if self.filled == 0:
            self.start_time = self.client.last_frame_time
        n = min(frames, self.frames - self.filled)
        for port, buf in zip(self.ins, self.buffers):
            buf[self.filled:self.filled + n] = port.get_array()[:n]
        self.filled += n

    def record(self):
        self.filled, self.armed, self.xruns = 0, True, 0
        deadline = time.time() + 10
        while self.filled < self.frames and time.time() < deadline:
            time.sleep(0.05)
        self.armed = False
        return self.filled >= self.frames

    def close(self):
        self.client.deactivate()
        self.client.close()


def analyse(samples, start_time):
    """(breaks, latency): frames where the signal does not run on by one, and recorder frame
    minus source frame (the same for every sample of a clean passage)."""
    frames = frames_of(samples)
    steps = np.diff(frames) % M
    latencies = (start_time + np.arange(len(samples)) - frames) % M
    return int(np.count_nonzero(steps != 1)), int(np.median(latencies))


class NetjackWithPhantom(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="phantom-netjack-")
        self.log = lambda name: os.path.join(self.dir, name + ".log")
        self.stack = []  # stopped in reverse: clients before their servers

    def tearDown(self):
        for stop in reversed(self.stack):
            try:
                stop()
            except Exception as e:  # noqa: BLE001 - the rest must still stop
                print("teardown:", e)

    def start_slave(self):
        slave = Process(["ip", "netns", "exec", SLAVE_NS, "jackd", "-n", SLAVE, "-d", "net",
                         "-n", SLAVE_NAME, "-C", "2", "-P", "2", "-i", "0", "-o", "0"],
                        self.log("slave"))
        self.stack.append(slave.stop)  # stopped even if what follows fails
        # The slave's own clients run in a process of their own, which also waits for the
        # server: libjack serves one server a process (two in one mix up their port ids).
        peer = Process([sys.executable, os.path.abspath(__file__), "--slave-peer"],
                       self.log("slave-peer"))
        self.stack.append(peer.stop)
        deadline = time.time() + 20
        while "ready" not in open(self.log("slave-peer")).read():
            self.assertLess(time.time(), deadline, open(self.log("slave-peer")).read())
            self.assertIsNone(peer.proc.poll(), open(self.log("slave-peer")).read())
            time.sleep(0.05)
        return slave, peer

    def wait_state(self, phantom, want, seconds):
        """Until every connection to the slave's ports is in state `want`: seconds taken."""
        t0 = time.time()
        while time.time() - t0 < seconds:
            states = {c["from"] + ">" + c["to"]: c["state"]
                      for c in phantom.call("GET", "/api/connections")["connections"]}
            mine = [s for k, s in states.items() if SLAVE_NAME + ":" in k]
            if mine and all(s == want for s in mine):
                return time.time() - t0
            time.sleep(0.05)
        self.fail(f"connections to {SLAVE_NAME} not {want} within {seconds} s: {states}")

    def passage(self, rec, phantom):
        """Two seconds recorded, analysed; taken again (up to three times) when a cycle ran
        late: a late cycle hands stale buffers on and proves nothing either way."""
        for attempt in range(3):
            self.assertTrue(rec.record(), "the recorder did not run")
            loop = analyse(rec.buffers[0], rec.start_time)
            own = analyse(rec.buffers[1], rec.start_time)
            status = phantom.call("GET", "/api/status")
            if loop[0] == 0 and own[0] == 0:
                break
            print(f"passage {attempt + 1}: breaks loop {loop[0]}, slave {own[0]}; "
                  f"xruns recorder {rec.xruns}, phantom {status['xruns']}")
        return loop, own, status

    def test_a_slave_in_another_namespace_reaches_phantom_sample_exact_and_comes_back(self):
        state = os.path.join(self.dir, "state.json")
        # The stagebox mapped once: its channels onto ADAT inputs 1 and 2, main.L to it.
        with open(state, "w") as f:
            json.dump({"phantom_session": 1, "device": "studio-8x8",
                       "params": {"/mix/main/pb1/gain": 0, "/mix/main/pb1/pan": -1,
                                  "/monitor/volume": 0},
                       "connections": [
                           {"from": f"{SLAVE_NAME}:from_slave_1", "to": "phantom:hw_in_adat1"},
                           {"from": f"{SLAVE_NAME}:from_slave_2", "to": "phantom:hw_in_adat2"},
                           {"from": "phantom:hw_out_main.L", "to": f"{SLAVE_NAME}:to_slave_1"},
                       ]}, f)
        master = Process(["ip", "netns", "exec", MASTER_NS, "jackd", "-n", MASTER, "-d", "dummy",
                          "-r", str(RATE), "-p", str(PERIOD), "-C", "2", "-P", "2"],
                         self.log("master"))
        self.stack.append(master.stop)
        self.assertTrue(wait_for_server(MASTER), open(self.log("master")).read())
        run("jack_load", "-s", MASTER, "netmanager")

        phantom = Phantom(state, self.log("phantom"))
        self.stack.append(phantom.stop)
        status = phantom.call("GET", "/api/status")
        self.assertIn(f"inputs adat1–2, output main.L: '{SLAVE_NAME}' is not connected "
                      "(3 kept connections wait for it)", status["connections_waiting"], status)
        device = phantom.call("GET", "/api/device")
        capture = {name: f"phantom:capture_{k + 1}"
                   for k, name in enumerate(device["capture_channels"])}

        probe = Generator(MASTER, "probe", "phantom:playback_1")
        self.stack.append(probe.close)
        rec = Recorder(MASTER, [capture["adat1"], capture["adat2"]])
        self.stack.append(rec.close)

        slave, peer = self.start_slave()
        joined = self.wait_state(phantom, "connected", 15)
        print(f"[ joined ] the slave's connections made {joined:.2f} s after its start")
        time.sleep(1.0)  # past Phantom's power-on ramp and the network's latency

        (breaks, latency), (own_breaks, _), status = self.passage(rec, phantom)
        print(f"[ latency ] round trip through the slave {latency} frames "
              f"({1000 * latency / RATE:.1f} ms); Phantom reports {status['latency_frames']} "
              f"frames ({status['latency_ms']} ms)")
        self.assertEqual(own_breaks, 0, "the slave's own signal did not arrive sample-exact")
        self.assertEqual(breaks, 0, "the looped signal did not come back sample-exact")
        self.assertEqual(latency, status["latency_frames"])
        self.assertEqual(status["connections_waiting"], [])

        # The stagebox loses power: Phantom says so, and waits for it.
        killed = time.time()
        slave.stop(signal.SIGKILL)
        peer.stop()
        reported = None
        while time.time() - killed < 30 and reported is None:
            status = phantom.call("GET", "/api/status")
            if any(f"'{SLAVE_NAME}' is not connected" in w for w in status["connections_waiting"]):
                reported = time.time() - killed
            time.sleep(0.1)
        self.assertIsNotNone(reported, "Phantom did not report the slave gone")
        print(f"[ gone ] reported {reported:.1f} s after the slave was killed: "
              f"{status['connections_waiting']}")
        self.assertEqual(status["state"], "running")  # the master and Phantom run on
        pid = phantom.proc.pid

        slave, peer = self.start_slave()
        back = self.wait_state(phantom, "connected", 15)
        print(f"[ back ] connections made again {back:.2f} s after the slave's restart")
        time.sleep(1.0)
        (breaks, latency), (own_breaks, _), status = self.passage(rec, phantom)
        self.assertEqual(phantom.proc.pid, pid)
        self.assertIsNone(phantom.proc.poll(), "Phantom was restarted or died")
        self.assertEqual(own_breaks, 0)
        self.assertEqual(breaks, 0)
        self.assertEqual(latency, status["latency_frames"])
        # Kept in the state file all along.
        saved = json.load(open(state))["connections"]
        self.assertIn({"from": f"{SLAVE_NAME}:from_slave_2", "to": "phantom:hw_in_adat2"}, saved)


def slave_peer():
    """On the slave (its own business, not Phantom's): what comes from the master on channel 1
    goes straight back (a loop), and channel 2 carries the slave's own known signal."""
    if not wait_for_server(SLAVE):
        sys.exit("the slave's server did not start")
    patch = jack.Client("patch", servername=SLAVE, no_start_server=True)
    patch.activate()
    deadline = time.time() + 15  # the net driver's ports exist once a master has answered
    while True:
        try:
            patch.connect("system:capture_1", "system:playback_1")
            break
        except jack.JackError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    gen = Generator(SLAVE, "gen", "system:playback_2")
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    gen.close()
    patch.deactivate()
    patch.close()


if __name__ == "__main__":
    if "--slave-peer" in sys.argv:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        slave_peer()
        sys.exit(0)
    why = make_namespaces() if os.geteuid() == 0 else "network namespaces need root"
    if why:
        print(f"skipped: {why}")
        sys.exit(77)
    try:
        with JackLock():
            result = unittest.main(verbosity=2, exit=False).result
    finally:
        remove_namespaces()
    sys.exit(0 if result.wasSuccessful() else 1)
