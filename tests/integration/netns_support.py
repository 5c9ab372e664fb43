"""What netjack_test.py and rtp_test.py share: two network namespaces joined by a veth pair
with multicast routed onto it, child processes with a log file, and Phantom's HTTP API found
in its log. Beside them (not a package) so that each still runs as
`/usr/bin/python3 tests/integration/X.py`: a script's own folder is first on sys.path."""

import json
import re
import signal
import subprocess
import time
import urllib.request


def run(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def make_namespaces(tag, ns_a, ns_b, subnet):
    """Namespaces ns_a and ns_b joined by the veth pair {tag}a / {tag}b, addressed {subnet}.1
    and {subnet}.2 (/24), 224.0.0.0/4 routed onto it. None, or why not (then nothing is left)."""
    steps = [["ip", "netns", "add", ns_a], ["ip", "netns", "add", ns_b],
             ["ip", "link", "add", f"{tag}a", "type", "veth", "peer", "name", f"{tag}b"],
             ["ip", "link", "set", f"{tag}a", "netns", ns_a],
             ["ip", "link", "set", f"{tag}b", "netns", ns_b],
             ["ip", "-n", ns_a, "addr", "add", f"{subnet}.1/24", "dev", f"{tag}a"],
             ["ip", "-n", ns_b, "addr", "add", f"{subnet}.2/24", "dev", f"{tag}b"]]
    for ns, dev in ((ns_a, f"{tag}a"), (ns_b, f"{tag}b")):
        steps += [["ip", "-n", ns, "link", "set", "lo", "up"],
                  ["ip", "-n", ns, "link", "set", dev, "up"],
                  ["ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", dev]]
    for step in steps:
        r = run(*step, check=False)
        if r.returncode != 0:
            remove_namespaces(ns_a, ns_b)
            return f"`{' '.join(step)}` failed: {r.stderr.strip()}"
    return None


def remove_namespaces(*namespaces):
    for ns in namespaces:  # the veth pair goes with them
        run("ip", "netns", "del", ns, check=False)


class Process:
    """A child process with a log file, stopped (TERM, then KILL) by stop()."""

    def __init__(self, cmd, log, env=None):
        self.log = log
        self.out = open(log, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=subprocess.STDOUT, env=env)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


def wait_for_http(log, seconds=15):
    """The base URL Phantom's log names once its HTTP server listens (it picks the port)."""
    deadline = time.time() + seconds
    http = None
    while time.time() < deadline and not http:
        if m := re.search(r"(http://127\.0\.0\.1:\d+)/", open(log).read()):
            http = m.group(1)
        # Also once found: the first requests come a moment after the server listens, when
        # Phantom has read its graph (netjack_test.py asks at once what it waits for).
        time.sleep(0.05)
    if not http:
        raise RuntimeError("phantom did not start: " + open(log).read())
    return http


def call(http, method, path, body=None):
    """One request to Phantom's HTTP API, the JSON answer decoded."""
    req = urllib.request.Request(http + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)
