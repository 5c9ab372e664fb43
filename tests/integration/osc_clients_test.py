#!/usr/bin/python3
"""OSC against a real `phantom start`, driven by clients nobody here wrote: liblo's Python
binding (python3-liblo) and liblo's oscsend (liblo-tools).

- every parameter of studio-8x8 set and read back over OSC equals the HTTP API's view;
- a subscribed client sees a change made from the CLI within 50 ms; meters arrive at >= 30 Hz;
- hostile datagrams (liblo 0.31's two out-of-bounds reproducers, garbage, an oversized
  datagram) are counted and answered, and the server goes on serving;
- with --osc-allow, a sender beyond this machine is dropped unless its network is allowed
  (in a network namespace of its own: needs root, else skipped).

Run by ctest with Debian's /usr/bin/python3 (python3-liblo is built for it)."""

import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import liblo

PHANTOM = os.environ["PHANTOM_BINARY"]


class Phantom:
    """A `phantom start` with its own state file and free ports, stopped at the end."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="phantom-osc-")
        self.proc = subprocess.Popen(
            [PHANTOM, "start", "--session", os.path.join(self.dir, "state.json"), "--http",
             "127.0.0.1:0", "--quiet", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.http = self.osc_port = None
        deadline = time.time() + 15
        while time.time() < deadline and not (self.http and self.osc_port):
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("phantom exited before it was ready")
            if m := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
                self.http = m.group(1)
            if m := re.search(r"OSC on udp://[^:]+:(\d+)", line):
                self.osc_port = int(m.group(1))

    def get(self, path):
        with urllib.request.urlopen(self.http + path, timeout=5) as r:
            return json.load(r)

    def put(self, path, value):
        req = urllib.request.Request(self.http + "/api/params" + path, method="PUT",
                                     data=json.dumps({"value": value}).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


class Client:
    """A liblo server socket that sends from the port it listens on, so replies come back."""

    def __init__(self, port):
        self.target = liblo.Address("127.0.0.1", port)
        self.server = liblo.Server()
        self.received = []
        self.server.add_method(None, None, self._take)

    def _take(self, path, args, types, src):
        self.received.append((time.monotonic(), path, types, args))

    def send(self, *message):
        self.server.send(self.target, *message)

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.server.recv(5)

    def ask(self, address, *args):
        """Send, and wait for the answer at the same address (a refusal before it stays in
        `received`: the server answers in order)."""
        self.send(address, *args)
        end = time.monotonic() + 2
        while time.monotonic() < end:
            answers = [r for r in self.received if r[1] == address]
            if answers:
                return answers[-1]
            self.server.recv(5)
        return None


def osc_argument(param, value):
    """The value as a tablet would send it: a float, T/F, or a choice's name."""
    if param["type"] == "bool":
        return [("T" if value else "F", value)]
    if param["type"] in ("choice", "string"):
        return [("s", value)]
    return [("f", value)]


def new_value(param):
    """A value in range that differs from the current one, never a large rise (those glide)."""
    if param["type"] == "bool":
        return not param["value"]
    if param["type"] == "choice":
        choices = param["choices"]
        return choices[(choices.index(param["value"]) + 1) % len(choices)]
    if param["type"] == "string":  # a name, with a character beyond ASCII
        return "Näme " + param["path"].split("/")[-1]
    low = -60.0 if param["min"] == "-inf" else param["min"]
    high = param["max"]
    current = param["value"] if isinstance(param["value"], (int, float)) else high
    target = low + (high - low) * 0.25
    return target if target != current else low


def same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))  # OSC carries float32


class OscWithRealClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.phantom = Phantom("--device", "studio-8x8", "--osc", "127.0.0.1:0")

    @classmethod
    def tearDownClass(cls):
        cls.phantom.stop()

    def test_every_parameter_set_over_osc_reads_back_as_the_http_api_has_it(self):
        client = Client(self.phantom.osc_port)
        params = self.phantom.get("/api/params")
        self.assertGreater(len(params), 500)
        refused = 0
        for p in params:
            value = new_value(p)
            tag, v = osc_argument(p, value)[0]
            client.received.clear()
            if tag in "TF":
                client.send(liblo.Message("/phantom" + p["path"], (tag, v)))
            else:
                client.send("/phantom" + p["path"], (tag, v))
            reply = client.ask("/phantom" + p["path"])  # after the setting's refusal, if any
            self.assertIsNotNone(reply, p["path"])
            errors = [r for r in client.received if r[1] == "/phantom/error"]
            if errors:
                # Refused over OSC (a mirror cycle, a talkback choice): HTTP refuses it too.
                refused += 1
                self.assertGreaterEqual(self.phantom.put(p["path"], value), 400, p["path"])
                continue
            _, path, types, args = reply
            self.assertEqual(path, "/phantom" + p["path"])
            # An action (/monitor/recall, described "action: …") acts when set on and reads off.
            expected = False if p["description"].startswith("action:") else value
            self.assertTrue(same(args[0], expected),
                            f"{p['path']}: OSC says {args[0]}, set {value}")
        self.assertLess(refused, len(params) // 10)
        # And every value, read over OSC, is the HTTP API's.
        for p in self.phantom.get("/api/params"):
            client.received.clear()
            _, path, types, args = client.ask("/phantom" + p["path"])
            self.assertTrue(same(args[0], float("-inf") if p["value"] == "-inf" else p["value"]),
                            f"{p['path']}: OSC {args[0]}, HTTP {p['value']}")

    def test_a_subscriber_sees_a_cli_change_within_50_ms_and_meters_at_30_hz(self):
        client = Client(self.phantom.osc_port)
        client.send("/phantom/subscribe")
        client.pump(0.5)  # the whole state first
        self.assertTrue(any(r[1] == "/phantom/monitor/volume" for r in client.received))
        client.received.clear()
        subprocess.run([PHANTOM, "set", "/monitor/volume", "-17", "--http",
                        self.phantom.http.removeprefix("http://")], check=True,
                       stdout=subprocess.DEVNULL)
        done = time.monotonic()
        client.pump(0.2)
        seen = [r for r in client.received
                if r[1] == "/phantom/monitor/volume" and abs(r[3][0] + 17) < 1e-4]
        self.assertTrue(seen, "the change was not sent")
        self.assertLessEqual(seen[0][0] - done, 0.050)
        client.received.clear()
        client.pump(2.0)
        frames = [r for r in client.received if r[1] == "/phantom/meter/in1"]
        self.assertGreaterEqual(len(frames), 60, "meters below 30 Hz")
        self.assertEqual(frames[0][2], "ff")
        client.send("/phantom/unsubscribe")
        client.pump(0.1)
        client.received.clear()
        client.pump(0.3)
        self.assertFalse(client.received, "still sent to after unsubscribing")

    def test_oscsend_sets_a_value(self):
        subprocess.run(["oscsend", "127.0.0.1", str(self.phantom.osc_port), "/phantom/monitor/dim",
                        "T"], check=True)
        time.sleep(0.1)
        self.assertTrue(self.phantom.get("/api/params/monitor/dim")["value"])
        subprocess.run(["oscsend", "127.0.0.1", str(self.phantom.osc_port),
                        "/phantom/monitor/dim", "i", "0"], check=True)
        time.sleep(0.1)
        self.assertFalse(self.phantom.get("/api/params/monitor/dim")["value"])

    def test_hostile_datagrams_are_counted_answered_and_survived(self):
        before = self.phantom.get("/api/status")["surfaces"][0]["malformed"]
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.settimeout(2)
        address = ("127.0.0.1", self.phantom.osc_port)
        bad = [
            b"/a/b\0\0\0\0,fff\0\0\0\0\x3f\x80\0\0",  # liblo: type tags run off the end
            b"#bundle\0\0\0\0\0\0\0\0\x01\0\0\x10\0/a\0\0,\0\0\0",  # liblo: an element's length lies
            b"\xff" * 7,
            b"/phantom/monitor/volume\0,f\0\0",  # the float is missing
            b"#bundle\0" + b"\0" * 8,  # an empty bundle is valid: no answer, nothing counted
        ]
        for packet in bad:
            sock.sendto(packet, address)
        answers = []
        for _ in range(4):
            answers.append(sock.recvfrom(65536)[0])
        self.assertTrue(all(a.startswith(b"/phantom/error\0") for a in answers))
        self.assertIn(b"malformed OSC", answers[0])
        sock.sendto(b"\0" * 65504, address)  # the largest UDP datagram: an empty address
        time.sleep(0.4)  # the status is reported every 250 ms
        status = self.phantom.get("/api/status")["surfaces"][0]
        self.assertEqual(status["malformed"] - before, 5)
        client = Client(self.phantom.osc_port)
        self.assertIsNotNone(client.ask("/phantom/monitor/mute"))
        self.assertIsNone(self.phantom.proc.poll())


def give_the_namespace_an_address():
    """In the network namespace `unshare -n` made: loopback up, with 10.77.0.1 on it too, an
    address that is not a loopback one (no kernel module needed, unlike a dummy interface)."""
    for cmd in (["ip", "link", "set", "lo", "up"], ["ip", "addr", "add", "10.77.0.1/24", "dev", "lo"]):
        subprocess.run(cmd, check=True)


class OscAllowList(unittest.TestCase):
    def test_a_sender_beyond_this_machine_needs_its_network_allowed(self):
        if os.environ.get("PHANTOM_OSC_NETNS") != "1":
            self.skipTest("run in a network namespace (PHANTOM_OSC_NETNS=1)")
        for allow, taken in ((["--osc-allow", "10.77.0.0/24"], True), ([], False),
                             (["--osc-allow", "10.78.0.0/16"], False)):
            phantom = Phantom("--osc", "0.0.0.0:0", *allow)
            try:
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self.addCleanup(sock.close)
                sock.bind(("10.77.0.1", 0))  # not loopback: the filter judges it
                sock.settimeout(0.5)
                sock.sendto(b"/phantom/monitor/mute\0\0\0", ("10.77.0.1", phantom.osc_port))
                try:
                    reply = sock.recvfrom(65536)[0]
                except socket.timeout:
                    reply = None
                self.assertEqual(reply is not None, taken, allow)
                time.sleep(0.4)
                surface = phantom.get("/api/status")["surfaces"][0]
                self.assertEqual(surface["not_allowed"], 0 if taken else 1, allow)
            finally:
                phantom.stop()


if __name__ == "__main__":
    if "--netns" in sys.argv:  # run again in a network namespace of its own
        if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
            print("skipped: a network namespace needs root (unshare -n)")
            sys.exit(77)
        argv = [a for a in sys.argv if a != "--netns"]
        os.execvpe("unshare", ["unshare", "-n", sys.executable, *argv, "OscAllowList"],
                   {**os.environ, "PHANTOM_OSC_NETNS": "1"})
    if os.environ.get("PHANTOM_OSC_NETNS") == "1":
        give_the_namespace_an_address()
    unittest.main(verbosity=2)
