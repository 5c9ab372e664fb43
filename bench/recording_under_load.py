#!/usr/bin/env python3
"""A live recording does not suffer from a busy control plane.

stress-64 on the virtual hardware, a file on each of its 64 inputs and a recording of each of its
32 stereo outputs, run twice for the same time by `phantom start`: once left alone, once while
8 clients read GET /api/params (the whole parameter tree) as fast as they can. What the live
run records depends only on its sources and parameters, not on when blocks ran, so the two
recordings must be the same bytes; a file source that ran dry (silence) or a recording ring
that overflowed (frames dropped) shows up as the first frame where they part.

Standard library only. Usage:
    python3 bench/recording_under_load.py [--phantom build/phantom] [--seconds 60]
        [--clients 8] [--work DIR] [--keep]
Exit status 0 when the recordings are identical, 1 when they differ, 2 for a setup error.
"""
import argparse
import array
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import wave

RATE = 48000
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def output_ids(device_toml):
    text = open(device_toml, encoding="utf-8").read()
    return re.findall(r'\[\[output\]\]\s*\nid\s*=\s*"([^"]+)"', text)


def input_ids(device_toml):
    text = open(device_toml, encoding="utf-8").read()
    return re.findall(r'\[\[input\]\]\s*\nid\s*=\s*"([^"]+)"', text)


def write_inputs(folder, count):
    """Mono 16-bit noise at -24 dBFS peak, a different length (2.0-4.5 s) and seed per input,
    so the loops never line up."""
    paths = []
    rng = random.Random(14)
    for k in range(count):
        frames = int(RATE * (2.0 + 2.5 * k / count))
        samples = array.array("h", (rng.randint(-2048, 2047) for _ in range(frames)))
        path = os.path.join(folder, f"in{k + 1}.wav")
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(samples.tobytes())
        paths.append(path)
    return paths


def get(port, path, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def wait_ready(proc, port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"phantom start exited with {proc.returncode}")
        try:
            if get(port, "/api/status", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("phantom start did not answer within 30 s")


def hammer(port, stop, results):
    """One client: GET /api/params on a kept-alive connection, again and again."""
    count, worst, total = 0, 0.0, 0.0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            conn.request("GET", "/api/params")
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                raise RuntimeError(f"GET /api/params answered {r.status}")
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        dt = time.monotonic() - t0
        count, total, worst = count + 1, total + dt, max(worst, dt)
    conn.close()
    results.append((count, total, worst))


def mix(outputs, input_count):
    """Every output its own mix of three inputs: two of its own, panned apart, and one shared
    with another output (96 routes), so each recording carries a distinct signal."""
    params = {}
    for k, out in enumerate(outputs):
        a, b, c = 2 * k + 1, 2 * k + 2, (2 * k + 31) % input_count + 1
        params.update({f"/mix/{out}/in{a}/gain": -6, f"/mix/{out}/in{a}/pan": -0.5,
                       f"/mix/{out}/in{b}/gain": -6, f"/mix/{out}/in{b}/pan": 0.5,
                       f"/mix/{out}/in{c}/gain": -12})
    return params


def make_state(phantom, work, port, params):
    """The mix, set through the API and saved by Phantom itself in a state file, so that both
    runs have it from their first sample (set while running, its ramps would fall on different
    samples in each run)."""
    state = os.path.join(work, "mix-state.json")
    proc = subprocess.Popen([phantom, "start", "--device", "stress-64", "--session", state,
                             "--http", f"127.0.0.1:{port}", "--osc", "off", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(proc, port)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("POST", "/api/params", body=json.dumps(params),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"POST /api/params answered {r.status}: {body[:200]!r}")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"phantom start (mix) exited with {proc.returncode}: {err.strip()}")
    return state


def run(phantom, work, name, port, state, inputs, outputs, seconds, clients):
    folder = os.path.join(work, name)
    os.makedirs(folder, exist_ok=True)
    shutil.copyfile(state, os.path.join(folder, "state.json"))
    cmd = [phantom, "start", "--device", "stress-64", "--rate", str(RATE), "--frames", "256",
           "--session", os.path.join(folder, "state.json"), "--http", f"127.0.0.1:{port}", "--osc", "off",
           "--quiet"]
    for k, path in enumerate(inputs):
        cmd += ["--source", f"in{k + 1}={path}"]
    for out in outputs:
        cmd += ["--record", f"{out}={os.path.join(folder, out + '.wav')}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(proc, port)
        stop, results, threads = threading.Event(), [], []
        for _ in range(clients):
            t = threading.Thread(target=hammer, args=(port, stop, results), daemon=True)
            t.start()
            threads.append(t)
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        status = json.loads(get(port, "/api/status", timeout=60)[1])
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"phantom start exited with {proc.returncode}: {err.strip()}")
    requests = sum(r[0] for r in results)
    return {
        "folder": folder,
        "status": status,
        "requests": requests,
        "mean_s": sum(r[1] for r in results) / requests if requests else 0.0,
        "worst_s": max((r[2] for r in results), default=0.0),
        "notice": err.strip(),
    }


def data_chunk(path):
    """(offset, size) of a WAV file's data chunk (float WAV: Python's wave module refuses it)."""
    with open(path, "rb") as f:
        header = f.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise RuntimeError(f"{path}: not a WAV file")
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                raise RuntimeError(f"{path}: no data chunk")
            size = int.from_bytes(chunk[4:8], "little")
            if chunk[:4] == b"data":
                return f.tell(), size
            f.seek(size + (size & 1), os.SEEK_CUR)


def compare(a_path, b_path, frame_bytes):
    """Frames both files hold, and the first frame where they differ (None if none)."""
    (a_off, a_size), (b_off, b_size) = data_chunk(a_path), data_chunk(b_path)
    common = min(a_size, b_size) // frame_bytes * frame_bytes
    block = 1 << 24
    with open(a_path, "rb") as fa, open(b_path, "rb") as fb:
        fa.seek(a_off)
        fb.seek(b_off)
        done = 0
        while done < common:
            n = min(block, common - done)
            x, y = fa.read(n), fb.read(n)
            if x != y:
                first = next(i for i in range(n) if x[i] != y[i])
                return common // frame_bytes, (done + first) // frame_bytes
            done += n
    return common // frame_bytes, None


def silent(path):
    offset, size = data_chunk(path)
    with open(path, "rb") as f:
        f.seek(offset + size // 2)
        chunk = f.read(1 << 16)
    return not chunk.strip(b"\x00")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--phantom", default=os.path.join(ROOT, "build", "phantom"))
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--port", type=int, default=7491)
    p.add_argument("--work", default="")
    p.add_argument("--keep", action="store_true", help="keep the recordings")
    a = p.parse_args()
    device = os.path.join(ROOT, "devices", "stress-64.toml")
    if not os.access(a.phantom, os.X_OK):
        print(f"{a.phantom}: not found; build first (cmake --build build)", file=sys.stderr)
        return 2
    work = a.work or tempfile.mkdtemp(prefix="phantom-rec-load-")
    os.makedirs(work, exist_ok=True)
    try:
        outputs = output_ids(device)
        inputs = write_inputs(work, len(input_ids(device)))
        print(f"stress-64: {len(inputs)} file inputs, {len(outputs)} stereo outputs recorded, "
              f"{a.seconds:g} s each run; {a.phantom}")
        state = make_state(a.phantom, work, a.port + 2, mix(outputs, len(inputs)))
        quiet = run(a.phantom, work, "unloaded", a.port, state, inputs, outputs, a.seconds, 0)
        loaded = run(a.phantom, work, "loaded", a.port + 1, state, inputs, outputs, a.seconds,
                     a.clients)
        for name, r in (("unloaded", quiet), ("loaded", loaded)):
            s = r["status"]
            feed_events = [e for e in s.get("events", []) if "source file" in e]
            line = (f"{name:>8}: xruns {s.get('xruns')}, record overruns "
                    f"{s.get('record_overruns')}, source starved frames "
                    f"{s.get('source_starved_frames', 'n/a')}, source events {len(feed_events)}")
            if r["requests"]:
                line += (f"; {r['requests']} GET /api/params by {a.clients} clients, "
                         f"mean {r['mean_s'] * 1000:.0f} ms, worst {r['worst_s'] * 1000:.0f} ms")
            print(line)
            if r["notice"]:
                print(f"          notice: {r['notice']}")
        if all(silent(os.path.join(quiet["folder"], out + ".wav")) for out in outputs):
            raise RuntimeError("the recordings are silent: the mix did not reach the outputs")
        identical, shortest = 0, None
        for out in outputs:
            frames, first = compare(os.path.join(quiet["folder"], out + ".wav"),
                                    os.path.join(loaded["folder"], out + ".wav"), 2 * 4)
            shortest = frames if shortest is None else min(shortest, frames)
            if first is None:
                identical += 1
            else:
                print(f"  {out}: differs from {first / RATE:.3f} s (of {frames / RATE:.3f} s)")
        verdict = "IDENTICAL" if identical == len(outputs) else "DIFFERENT"
        print(f"result: {identical}/{len(outputs)} recordings identical over the "
              f"{shortest / RATE:.2f} s both runs hold: {verdict}")
        return 0 if identical == len(outputs) else 1
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if not a.keep and not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
