#!/usr/bin/env python3
"""10 000 OSC messages a second change nothing for the audio.

One `phantom start` (studio-8x8, virtual hardware, 256 frames at 48 kHz) measured in four
windows of the same length: quiet, flooded, flooded again, quiet again. In the flooded window one sender sends
`/phantom/mix/hp1/in1/gain ,f x` (x sweeping -40..-10 dB, so every message is a real change)
at the given rate. For each window: xruns counted by the instance (a block that missed its
deadline), its DSP load (share of the block's time budget, sampled every 200 ms: median and
spread), and its resident memory. The two quiet windows are the peer: the flood's figures are
judged against their spread, not against a fixed threshold, since the machine is shared.
Memory is judged between the ends of the two floods: the first fills what is bounded by
design (the controller's change log of 8192 entries, the kernel's socket buffer), the second
must add nothing.

Standard library only. Usage:
    python3 bench/osc_flood.py [--phantom build/phantom] [--seconds 10] [--rate 10000]
Exit status 0 when the floods caused no xrun beyond the quiet windows' and the second flood
left memory flat (within 256 KiB), 1 otherwise, 2 for a setup error.
"""
import argparse
import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def osc_message(address, value):
    def pad(b):
        return b + b"\0" * (4 - len(b) % 4)
    return pad(address.encode()) + pad(b",f") + struct.pack(">f", value)


def status(http):
    with urllib.request.urlopen(http + "/api/status", timeout=5) as r:
        return json.load(r)


def rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def window(http, pid, seconds):
    """xruns, DSP load samples and RSS over one window."""
    start = status(http)
    loads = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.2)
        loads.append(status(http)["dsp_load_percent"])
    last = status(http)
    osc = last["surfaces"][0]
    return {"xruns": last["xruns"] - start["xruns"], "loads": loads, "rss_kib": rss_kib(pid),
            "osc_received": osc["received"] - start["surfaces"][0]["received"]}


def flood(port, rate, seconds, stop):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    messages = [osc_message("/phantom/mix/hp1/in1/gain", -40.0 + 30.0 * k / 99) for k in range(100)]
    sent = 0
    start = time.monotonic()
    while not stop.is_set() and time.monotonic() - start < seconds:
        due = int((time.monotonic() - start) * rate)
        while sent < due:
            sock.sendto(messages[sent % 100], ("127.0.0.1", port))
            sent += 1
        time.sleep(0.001)
    return sent


def describe(name, w):
    loads = w["loads"]
    q = statistics.quantiles(loads, n=10)
    return (f"{name:8} xruns {w['xruns']:3}  DSP load median {statistics.median(loads):5.2f} %"
            f" (p10 {q[0]:5.2f}, p90 {q[-1]:5.2f})  RSS {w['rss_kib'] / 1024:6.1f} MiB")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--phantom", default=os.path.join(ROOT, "build", "phantom"))
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rate", type=int, default=10000)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="phantom-osc-flood-")
    proc = subprocess.Popen([args.phantom, "start", "--device", "studio-8x8", "--session",
                             os.path.join(work, "state.json"), "--http", "127.0.0.1:0", "--osc",
                             "127.0.0.1:0", "--quiet", "--source", "in1=sine:1k:-20dBu"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    http = port = None
    try:
        while not (http and port):
            line = proc.stdout.readline()
            if not line:
                print("phantom did not start", file=sys.stderr)
                return 2
            if m := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
                http = m.group(1)
            if m := re.search(r"OSC on udp://[^:]+:(\d+)", line):
                port = int(m.group(1))
        time.sleep(1.0)  # past the power-on ramp
        quiet_a = window(http, proc.pid, args.seconds)
        floods = []
        for _ in range(2):
            stop = threading.Event()
            sent = [0]
            sender = threading.Thread(target=lambda: sent.__setitem__(
                0, flood(port, args.rate, args.seconds, stop)))
            sender.start()
            floods.append(window(http, proc.pid, args.seconds))
            stop.set()
            sender.join()
            floods[-1]["sent"] = sent[0]
        quiet_b = window(http, proc.pid, args.seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"studio-8x8, 256 frames at 48 kHz, {args.seconds:g} s per window")
    for f in floods:
        print(f"flood: {f['sent']} OSC messages sent ({f['sent'] / args.seconds:.0f}/s), "
              f"{f['osc_received']} taken (by the status, which is updated every 250 ms)")
    for name, w in (("quiet", quiet_a), ("flooded", floods[0]), ("flooded", floods[1]),
                    ("quiet", quiet_b)):
        print(describe(name, w))
    quiet_xruns = max(quiet_a["xruns"], quiet_b["xruns"])
    first_kib = floods[0]["rss_kib"] - quiet_a["rss_kib"]
    grown_kib = floods[1]["rss_kib"] - floods[0]["rss_kib"]
    print(f"memory: the first flood {first_kib:+d} KiB (bounded logs filling), "
          f"the second {grown_kib:+d} KiB")
    ok = max(f["xruns"] for f in floods) <= quiet_xruns and grown_kib <= 256
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
