#!/usr/bin/env python3
"""RSS of `phantom start` while HTTP clients load and unload LV2 plugins.

Starts the real binary on the virtual hardware (its own state file and a free port), then
runs --clients threads, each on its own keep-alive connection, each sending --requests POST
/api/params batches that put a plugin into an input's slot (x42 nodelay, eg-amp, x42 darc,
then "" to unload, round and round). Client k works on /input/in<k+1>/insert/1 (or all on
in1 with --shared-slot). After the churn every slot is emptied and the process left alone for
--settle-s, so a slot's fade-out and the plan collection have run.

Reports VmRSS (from /proc/PID/status) before the churn, at its peak, right after it, and
after the settle, in MB, and the requests' status counts. --json prints one JSON line.

    python3 bench/plugin_churn_memory.py --binary build/phantom --clients 4 --requests 4000
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

PLUGINS = [
    "http://gareus.org/oss/lv2/nodelay",
    "http://lv2plug.in/plugins/eg-amp",
    "http://gareus.org/oss/lv2/darc#mono",
    "",
]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, proc, timeout_s=60.0):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"phantom exited early with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/status")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("phantom did not answer /api/status in time")


def post(conn, body):
    conn.request("POST", "/api/params", body=json.dumps(body),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status


def client(port, slot_path, requests, offset, counts, lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    local = {}
    for k in range(requests):
        uri = PLUGINS[(k + offset) % len(PLUGINS)]
        try:
            status = post(conn, {slot_path: uri})
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = "error"
        local[status] = local.get(status, 0) + 1
    conn.close()
    with lock:
        for key, n in local.items():
            counts[key] = counts.get(key, 0) + n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default="build/phantom")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=3000, help="per client")
    ap.add_argument("--shared-slot", action="store_true", help="every client on in1's slot 1")
    ap.add_argument("--settle-s", type=float, default=3.0)
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for phantom")
    ap.add_argument("--wrap", default="", help="a command put before the binary (heaptrack)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    port = free_port()
    tmp = tempfile.mkdtemp(prefix="phantom-churn-")
    env = dict(os.environ)
    for e in args.env:
        name, _, value = e.partition("=")
        env[name] = value
    cmd = (args.wrap.split() if args.wrap else []) + [
        args.binary, "start", "--quiet", "--osc", "off", "--http", f"127.0.0.1:{port}",
        "--session", os.path.join(tmp, "state.json")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(port, proc)
        pid = proc.pid
        if args.wrap:  # the wrapper's child is phantom
            kids = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
            pid = int(kids[0]) if kids else proc.pid
        # Every plugin loaded once, so lilv's world and each library are in before "before".
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for uri in PLUGINS:
            post(warm, {"/input/in1/insert/1/plugin": uri})
        warm.close()
        time.sleep(0.5)
        before = rss_kb(pid)

        peak = [before]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                try:
                    peak[0] = max(peak[0], rss_kb(pid))
                except OSError:
                    return
                time.sleep(0.1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        counts, lock = {}, threading.Lock()
        threads = []
        t0 = time.time()
        for k in range(args.clients):
            slot = "/input/in1/insert/1/plugin" if args.shared_slot else \
                f"/input/in{k + 1}/insert/1/plugin"
            threads.append(threading.Thread(
                target=client, args=(port, slot, args.requests, k, counts, lock)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        right_after = rss_kb(pid)
        empty = {f"/input/in{k + 1}/insert/1/plugin": "" for k in range(max(args.clients, 1))}
        last = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        emptied = post(last, empty)
        last.close()
        if emptied != 200:
            raise SystemExit(f"emptying the slots was answered {emptied}")
        time.sleep(args.settle_s)
        stop.set()
        sampler.join()
        settled = rss_kb(pid)
        result = {
            "clients": args.clients, "requests_per_client": args.requests,
            "shared_slot": args.shared_slot, "elapsed_s": round(elapsed, 1),
            "rss_before_mb": round(before / 1024, 1), "rss_peak_mb": round(peak[0] / 1024, 1),
            "rss_after_churn_mb": round(right_after / 1024, 1),
            "rss_after_empty_mb": round(settled / 1024, 1),
            "status": {str(k): v for k, v in sorted(counts.items(), key=str)},
        }
        if args.json:
            print(json.dumps(result))
        else:
            for key, value in result.items():
                print(f"{key:>22}: {value}")
    finally:
        if "stop" in locals():
            stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
